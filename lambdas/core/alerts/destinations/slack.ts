import { z } from 'zod';
import { DeliveryError } from './errors.js';
import { enrichmentLines, evidenceText, facts, headline, recommendedActions, truncate } from './format.js';
import { postJson } from './http-send.js';
import { type DeliveryContext, defineDestination } from './types.js';

const SlackSettings = z
  .strictObject({
    /** Name of the secret holding an incoming-webhook URL (https://hooks.slack.com/services/...). */
    webhook_url_secret: z.string().min(1).optional(),
    /** Name of the secret holding a bot token (xoxb-...) for chat.postMessage; needs `channel`. */
    token_secret: z.string().min(1).optional(),
    channel: z.string().min(1).optional(),
    api_url: z.url().default('https://slack.com/api'),
  })
  .superRefine((s, ctx) => {
    if (!s.webhook_url_secret === !s.token_secret) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhook_url_secret'],
        message: 'set webhook_url_secret or token_secret',
      });
    }
    if (s.token_secret && !s.channel) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'chat.postMessage needs a channel' });
    }
  });
type Settings = z.infer<typeof SlackSettings>;

/** Slack mrkdwn treats &, < and > as control characters; log content must not become links or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Block Kit message: header, facts as fields (at most 10), description, enrichment, evidence, context. */
export function slackMessage(ctx: DeliveryContext): { text: string; blocks: unknown[] } {
  const { alert } = ctx;
  const title = headline(alert, ctx.event);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, 150), emoji: false } },
    {
      type: 'section',
      fields: facts(alert)
        .slice(0, 10)
        .map(([k, v]) => ({ type: 'mrkdwn', text: truncate(`*${k}*\n${escapeMrkdwn(v)}`, 2000) })),
    },
  ];
  if (alert.description) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(alert.description), 3000) },
    });
  }
  const context = enrichmentLines(ctx.enrichment);
  if (context.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(context.join('\n')), 3000) },
    });
  }
  const actions = recommendedActions(ctx.enrichment);
  if (actions.length) {
    const list = actions.map((a) => `• ${escapeMrkdwn(a)}`).join('\n');
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Recommended actions*\n${list}`, 3000) },
    });
  }
  if (alert.evidence.length) {
    // Inside a code block Slack shows text literally, but &, < and > must still be escaped.
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `\`\`\`${escapeMrkdwn(evidenceText(alert, 2800))}\`\`\`` },
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Mantissa Log alert ${alert.id}` }] });
  return { text: truncate(escapeMrkdwn(title), 3000), blocks };
}

/** chat.postMessage errors worth retrying (Slack documents the rest as fixed until someone acts). */
const RETRYABLE_API_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/**
 * Slack: an incoming webhook (answers 200 `ok`) or chat.postMessage with a bot token (answers 200
 * with `{ok, error}`, so a 200 can still be a failure). Neither takes an idempotency key: a
 * timeout followed by a retry can post twice (at-least-once).
 */
export const slack = defineDestination<Settings>({
  type: 'slack',
  settings: SlackSettings,
  events: ['trigger', 'escalate', 'resolve'],
  idempotent: false,
  async deliver(s, ctx) {
    const message = slackMessage(ctx);
    if (s.webhook_url_secret) {
      await postJson(ctx, await ctx.secret(s.webhook_url_secret), message);
      return {};
    }
    const token = await ctx.secret(s.token_secret as string);
    const res = await postJson(
      ctx,
      `${s.api_url.replace(/\/$/, '')}/chat.postMessage`,
      { channel: s.channel, ...message },
      { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
    );
    let answer: { ok?: boolean; error?: string; ts?: string };
    try {
      answer = JSON.parse(res.body) as typeof answer;
    } catch {
      throw new DeliveryError('chat.postMessage answered with something other than JSON', true);
    }
    if (!answer.ok) {
      const error = answer.error ?? 'unknown_error';
      throw new DeliveryError(`chat.postMessage: ${error}`, RETRYABLE_API_ERRORS.has(error));
    }
    return answer.ts ? { reference: answer.ts } : {};
  },
});
