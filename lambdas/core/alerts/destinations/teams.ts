import { z } from 'zod';
import { enrichmentLines, facts, headline, recommendedActions, truncate } from './format.js';
import { postJson } from './http-send.js';
import { type DeliveryContext, defineDestination } from './types.js';

const TeamsSettings = z.strictObject({
  /** Name of the secret holding the Workflows (or legacy incoming-webhook) URL. */
  webhook_url_secret: z.string().min(1),
});
type Settings = z.infer<typeof TeamsSettings>;

const ACCENT = {
  critical: 'Attention',
  high: 'Attention',
  medium: 'Warning',
  low: 'Default',
  info: 'Default',
};

/** An Adaptive Card (1.4, what Teams renders) wrapped as a message with one attachment. */
export function teamsMessage(ctx: DeliveryContext): unknown {
  const { alert } = ctx;
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: truncate(headline(alert, ctx.event), 200),
      size: 'Large',
      weight: 'Bolder',
      color: ACCENT[alert.severity],
      wrap: true,
    },
  ];
  if (alert.description) body.push({ type: 'TextBlock', text: alert.description, wrap: true });
  body.push({ type: 'FactSet', facts: facts(alert).map(([title, value]) => ({ title, value })) });
  const context = enrichmentLines(ctx.enrichment);
  if (context.length)
    body.push({ type: 'TextBlock', text: context.join('\n\n'), wrap: true, isSubtle: true });
  const actions = recommendedActions(ctx.enrichment);
  if (actions.length) {
    body.push({ type: 'TextBlock', text: actions.map((a) => `- ${a}`).join('\n'), wrap: true });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/**
 * Microsoft Teams through a Workflows webhook (202 Accepted) or a legacy incoming webhook (200).
 * No idempotency key: at-least-once.
 */
export const teams = defineDestination<Settings>({
  type: 'teams',
  settings: TeamsSettings,
  events: ['trigger', 'escalate', 'resolve'],
  idempotent: false,
  async deliver(s, ctx) {
    await postJson(ctx, await ctx.secret(s.webhook_url_secret), teamsMessage(ctx));
    return {};
  },
});
