import { z } from 'zod';
import { DeliveryError } from './errors.js';
import { enrichmentLines, evidenceText, facts, headline, recommendedActions } from './format.js';
import type { SmtpTarget } from './mailer.js';
import { type DeliveryContext, defineDestination } from './types.js';

const EmailSettings = z.strictObject({
  from: z.email(),
  to: z.array(z.email()).min(1),
  subject_prefix: z.string().default('[Mantissa Log]'),
  /** The SMTP server used locally; on AWS mail goes through SES and this is ignored. */
  smtp: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      username: z.string().min(1).optional(),
      password_secret: z.string().min(1).optional(),
    })
    .optional(),
});
type Settings = z.infer<typeof EmailSettings>;

const escapeHtml = (t: string) =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function emailBodies(ctx: DeliveryContext): { text: string; html: string } {
  const { alert } = ctx;
  const context = enrichmentLines(ctx.enrichment);
  const actions = recommendedActions(ctx.enrichment);
  const evidence = evidenceText(alert, 20_000);
  const text = [
    headline(alert, ctx.event),
    '',
    alert.description,
    '',
    ...facts(alert).map(([k, v]) => `${k}: ${v}`),
    ...(context.length ? ['', ...context] : []),
    ...(actions.length ? ['', 'Recommended actions:', ...actions.map((a) => `- ${a}`)] : []),
    '',
    'Evidence:',
    evidence,
  ].join('\n');
  const rows = facts(alert)
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  const html = [
    `<h2>${escapeHtml(headline(alert, ctx.event))}</h2>`,
    `<p>${escapeHtml(alert.description)}</p>`,
    `<table>${rows}</table>`,
    context.length ? `<ul>${context.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    actions.length
      ? `<h3>Recommended actions</h3><ul>${actions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`
      : '',
    `<h3>Evidence</h3><pre>${escapeHtml(evidence)}</pre>`,
  ].join('\n');
  return { text, html };
}

/**
 * E-mail through the runtime's Mailer (SES v2 on AWS, SMTP locally). The Message-ID derives from the
 * event id, so a duplicate after an ambiguous failure threads with the first; delivery itself is
 * at-least-once.
 */
export const email = defineDestination<Settings>({
  type: 'email',
  settings: EmailSettings,
  events: ['trigger', 'escalate', 'resolve'],
  idempotent: false,
  async deliver(s, ctx) {
    if (!ctx.mailer) throw new DeliveryError('no mailer is configured in this runtime', false);
    let smtp: SmtpTarget | undefined;
    if (s.smtp) {
      smtp = { host: s.smtp.host, port: s.smtp.port, secure: s.smtp.secure };
      if (s.smtp.username) smtp.username = s.smtp.username;
      if (s.smtp.password_secret) smtp.password = await ctx.secret(s.smtp.password_secret);
    }
    const { text, html } = emailBodies(ctx);
    const sent = await ctx.mailer.send({
      from: s.from,
      to: s.to,
      subject: `${s.subject_prefix} ${headline(ctx.alert, ctx.event)}`.trim().replace(/[\r\n]+/g, ' '),
      text,
      html,
      messageId: `<${ctx.eventId.replace(/[^A-Za-z0-9.-]/g, '.')}@mantissa-log>`,
      ...(smtp ? { smtp } : {}),
    });
    return sent.messageId ? { reference: sent.messageId } : {};
  },
});
