import { SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DeliveryError } from '../../core/alerts/destinations/errors.js';
import type { Mailer } from '../../core/alerts/destinations/mailer.js';

/** SES errors that clear up by themselves; everything else needs someone to act (verify an identity, lift a pause). */
const TRANSIENT = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'InternalFailure',
  'ServiceUnavailable',
]);

/**
 * E-mail through SES v2 SendEmail (simple content: subject, text and HTML parts). SES assigns its
 * own Message-ID, so the event id travels in an `X-Mantissa-Event-Id` header instead; SES offers no
 * idempotency token, so delivery is at-least-once. The SDK's own retries are left on for throttling.
 */
export function sesMailer(
  client: SESv2Client = new SESv2Client({}),
  opts: { configurationSet?: string } = {},
): Mailer {
  return {
    async send(message) {
      const command = new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: message.to },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: message.text, Charset: 'UTF-8' },
              Html: { Data: message.html, Charset: 'UTF-8' },
            },
            Headers: [{ Name: 'X-Mantissa-Event-Id', Value: message.messageId.replace(/[<>]/g, '') }],
          },
        },
        ...(opts.configurationSet ? { ConfigurationSetName: opts.configurationSet } : {}),
      });
      try {
        const out = await client.send(command);
        return out.MessageId ? { messageId: out.MessageId } : {};
      } catch (err) {
        if (err instanceof SESv2ServiceException) {
          const status = err.$metadata.httpStatusCode ?? 0;
          const retryable = TRANSIENT.has(err.name) || status >= 500 || err.$retryable !== undefined;
          throw new DeliveryError(`SES ${err.name}: ${err.message}`, retryable);
        }
        throw new DeliveryError(`SES request failed: ${(err as Error).message}`, true, { ambiguous: true });
      }
    },
  };
}
