import type { AddressInfo } from 'node:net';
import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { sesMailer } from '../../lambdas/adapters/aws/ses-mailer.js';
import { smtpMailer } from '../../lambdas/adapters/local/smtp-mailer.js';
import { DeliveryError } from '../../lambdas/core/alerts/destinations/errors.js';
import type { Mailer } from '../../lambdas/core/alerts/destinations/mailer.js';
import { validateConfig } from '../../lambdas/core/config/config.js';
import { fetchHttpClient } from '../../lambdas/core/ports/http.js';
import { sampleAlert } from './alerts-delivery-peer.js';

const ALERT = sampleAlert({ description: 'Failed sign-ins <b>then</b> success.' });
const SUBJECT = '[Mantissa Log] [HIGH] Console brute force then success: user_name=bob ip=198.51.100.7';

function emailDestination(entry: Record<string, unknown>, mailer: Mailer) {
  const d = validateConfig('config.yaml', {
    destinations: [{ name: 'mail', type: 'email', ...entry }],
  }).destinations.get('mail');
  if (!d) throw new Error('no destination');
  return () =>
    d.kind.deliver(d.settings, {
      alert: ALERT,
      enrichment: undefined,
      event: 'trigger',
      eventId: `${ALERT.id}:mail:trigger`,
      destination: 'mail',
      now: new Date('2026-11-21T10:30:00.000Z'),
      http: fetchHttpClient,
      mailer,
      timeoutMs: 2_000,
      secret: async (name) => {
        if (name !== 'smtp-pass') throw new DeliveryError(`secret ${name} is not set`, false);
        return 'p4ss';
      },
    });
}

interface Accepted {
  from: string | undefined;
  to: string[];
  raw: string;
  user: string | undefined;
}

let server: SMTPServer | undefined;
afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

/** A real SMTP server on 127.0.0.1: AUTH PLAIN/LOGIN, no TLS; `reject` answers DATA with that code. */
async function smtp(opts: { reject?: number } = {}): Promise<{ port: number; mail: Accepted[] }> {
  const mail: Accepted[] = [];
  server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 'p4ss') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (opts.reject) {
          const err = new Error(opts.reject >= 500 ? 'Message rejected' : 'Try again later') as Error & {
            responseCode: number;
          };
          err.responseCode = opts.reject;
          cb(err);
          return;
        }
        mail.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  return { port: (server.server.address() as AddressInfo).port, mail };
}

describe('e-mail over SMTP (local)', () => {
  it('authenticates and sends text and HTML with a stable Message-ID', async () => {
    const { port, mail } = await smtp();
    const send = emailDestination(
      {
        from: 'mantissa@example.com',
        to: ['soc@example.com', 'oncall@example.com'],
        smtp: { host: '127.0.0.1', port, username: 'alerts', password_secret: 'smtp-pass' },
      },
      smtpMailer(),
    );
    expect(await send()).toEqual({ reference: `<${ALERT.id}.mail.trigger@mantissa-log>` });
    expect(mail).toHaveLength(1);
    const m = mail[0];
    expect([m?.from, m?.to, m?.user]).toEqual([
      'mantissa@example.com',
      ['soc@example.com', 'oncall@example.com'],
      'alerts',
    ]);
    // Unfold folded headers and quoted-printable soft breaks before looking inside.
    const raw = (m?.raw ?? '').replace(/\r\n[ \t]+/g, ' ').replace(/=\r\n/g, '');
    expect(raw).toContain(`Subject: ${SUBJECT}`);
    expect(raw).toContain(`Message-ID: <${ALERT.id}.mail.trigger@mantissa-log>`);
    expect(raw).toContain('Content-Type: text/plain');
    expect(raw).toContain('Content-Type: text/html');
    // HTML escapes log content; the text part carries it as is.
    expect(raw).toContain('Failed sign-ins &lt;b&gt;then&lt;/b&gt; success.');
    expect(raw).toContain('Failed sign-ins <b>then</b> success.');
  });

  it('retries a 4xx reply, gives up on a 5xx, and is retryable when the server is down', async () => {
    const transient = await smtp({ reject: 451 });
    const entry = (port: number) => ({
      from: 'mantissa@example.com',
      to: ['soc@example.com'],
      smtp: { host: '127.0.0.1', port, username: 'alerts', password_secret: 'smtp-pass' },
    });
    await expect(emailDestination(entry(transient.port), smtpMailer())()).rejects.toMatchObject({
      retryable: true,
    });
    await new Promise<void>((done) => server?.close(() => done()));
    const permanent = await smtp({ reject: 550 });
    await expect(emailDestination(entry(permanent.port), smtpMailer())()).rejects.toMatchObject({
      retryable: false,
    });
    await new Promise<void>((done) => server?.close(() => done()));
    server = undefined;
    await expect(
      emailDestination(entry(permanent.port), smtpMailer({ timeoutMs: 500 }))(),
    ).rejects.toMatchObject({
      retryable: true,
    });
  });
});

describe('e-mail through SES v2 (AWS)', () => {
  it('sends SendEmail with simple content and the event id header', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: '0100018c-ses-id' });
    const send = emailDestination(
      { from: 'mantissa@example.com', to: ['soc@example.com'] },
      sesMailer(new SESv2Client({ region: 'eu-west-1' })),
    );
    expect(await send()).toEqual({ reference: '0100018c-ses-id' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('mantissa@example.com');
    expect(input?.Destination).toEqual({ ToAddresses: ['soc@example.com'] });
    expect(input?.Content?.Simple?.Subject).toEqual({ Data: SUBJECT, Charset: 'UTF-8' });
    expect(input?.Content?.Simple?.Headers).toEqual([
      { Name: 'X-Mantissa-Event-Id', Value: `${ALERT.id}.mail.trigger@mantissa-log` },
    ]);
    expect(input?.Content?.Simple?.Body?.Text?.Data).toContain('Failed sign-ins <b>then</b> success.');
    expect(input?.Content?.Simple?.Body?.Html?.Data).toContain(
      'Failed sign-ins &lt;b&gt;then&lt;/b&gt; success.',
    );
    ses.restore();
  });

  it('retries throttling and gives up on a rejected message', async () => {
    const ses = mockClient(SESv2Client);
    const client = new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 });
    const send = emailDestination(
      { from: 'mantissa@example.com', to: ['soc@example.com'] },
      sesMailer(client),
    );
    ses
      .on(SendEmailCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(send()).rejects.toMatchObject({
      retryable: true,
      message: 'SES TooManyRequestsException: Rate exceeded',
    });
    ses.reset();
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
    await expect(send()).rejects.toMatchObject({
      retryable: false,
      message: 'SES MessageRejected: Email address is not verified.',
    });
    ses.restore();
  });
});
