import { createTransport } from 'nodemailer';
import { DeliveryError } from '../../core/alerts/destinations/errors.js';
import type { Mailer } from '../../core/alerts/destinations/mailer.js';

/**
 * E-mail over SMTP with nodemailer, one connection per message (alerts are few; pooling would keep
 * sockets open between cycles). SMTP 4xx replies are transient by RFC 5321 and so retried; 5xx are
 * permanent; connection failures and timeouts are retried.
 */
export function smtpMailer(opts: { timeoutMs?: number } = {}): Mailer {
  return {
    async send(message) {
      if (!message.smtp) {
        throw new DeliveryError('this e-mail destination has no smtp settings (needed locally)', false);
      }
      const { host, port, secure, username, password } = message.smtp;
      const transport = createTransport({
        host,
        port,
        secure,
        ...(username ? { auth: { user: username, pass: password ?? '' } } : {}),
        connectionTimeout: opts.timeoutMs ?? 10_000,
        greetingTimeout: opts.timeoutMs ?? 10_000,
        socketTimeout: opts.timeoutMs ?? 10_000,
      });
      try {
        const info = await transport.sendMail({
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: message.messageId,
        });
        return { messageId: info.messageId };
      } catch (err) {
        const e = err as Error & { responseCode?: number; code?: string };
        const code = e.responseCode;
        const retryable = code === undefined || (code >= 400 && code < 500);
        throw new DeliveryError(`SMTP ${code ?? e.code ?? 'error'}: ${e.message}`, retryable, {
          ambiguous: code === undefined,
        });
      } finally {
        transport.close();
      }
    },
  };
}
