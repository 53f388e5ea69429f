import { z } from 'zod';
import type { Severity } from '../model.js';
import { evidenceText, publicAlert, truncate } from './format.js';
import { jsonOf, postJson } from './http-send.js';
import { defineDestination } from './types.js';

const PagerDutySettings = z.strictObject({
  /** Name of the secret holding the Events API v2 integration (routing) key. */
  routing_key_secret: z.string().min(1),
  events_url: z.url().default('https://events.pagerduty.com/v2/enqueue'),
  /** `payload.source`: the affected system as PagerDuty shows it. */
  source: z.string().min(1).default('mantissa-log'),
  /** Link back to the console, shown as `client_url`. */
  client_url: z.url().optional(),
});
type Settings = z.infer<typeof PagerDutySettings>;

/** PagerDuty knows critical, error, warning and info. */
const SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
};

/** One alert is one PagerDuty alert: the dedup key is the alert id, whichever event or attempt. */
export function pagerDutyDedupKey(alertId: string): string {
  return `mantissa-${alertId}`;
}

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`, 202 Accepted). Idempotent: every trigger for an
 * alert carries the same `dedup_key`, and PagerDuty folds a trigger whose key matches an open
 * incident into it, so a retry after a timeout never opens a second incident. `resolve` closes it.
 */
export const pagerduty = defineDestination<Settings>({
  type: 'pagerduty',
  settings: PagerDutySettings,
  events: ['trigger', 'escalate', 'resolve'],
  idempotent: true,
  async deliver(s, ctx) {
    const { alert } = ctx;
    const routingKey = await ctx.secret(s.routing_key_secret);
    const dedupKey = pagerDutyDedupKey(alert.id);
    const body =
      ctx.event === 'resolve'
        ? { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey }
        : {
            routing_key: routingKey,
            event_action: 'trigger',
            dedup_key: dedupKey,
            payload: {
              summary: truncate(`[${alert.severity.toUpperCase()}] ${alert.title}`, 1024),
              source: s.source,
              severity: SEVERITY[alert.severity],
              timestamp: alert.firstSeen,
              component: alert.ruleId,
              group: alert.category,
              class: alert.ruleName,
              custom_details: {
                ...publicAlert({ ...alert, evidence: [] }),
                evidence: evidenceText(alert, 4000),
                escalated: ctx.event === 'escalate',
                ...(ctx.enrichment ? { enrichment: ctx.enrichment } : {}),
              },
            },
            client: 'Mantissa Log',
            ...(s.client_url ? { client_url: s.client_url } : {}),
          };
    const res = await postJson(ctx, s.events_url, body);
    const answer = jsonOf(res.body);
    return { reference: typeof answer.dedup_key === 'string' ? answer.dedup_key : dedupKey };
  },
});
