import { z } from 'zod';
import type { Severity } from '../model.js';
import { enrichmentLines, evidenceText, facts, headline, recommendedActions, truncate } from './format.js';
import { basicAuth, jsonOf, postJson } from './http-send.js';
import { defineDestination } from './types.js';

const ServiceNowSettings = z.strictObject({
  /** The instance, e.g. https://acme.service-now.com. */
  instance_url: z.url(),
  username: z.string().min(1),
  /** Name of the secret holding the user's password. */
  password_secret: z.string().min(1),
  assignment_group: z.string().min(1).optional(),
  caller_id: z.string().min(1).optional(),
  category: z.string().min(1).optional(),
});
type Settings = z.infer<typeof ServiceNowSettings>;

/** Urgency and impact (1 high, 2 medium, 3 low); ServiceNow derives priority from the pair. */
const URGENCY_IMPACT: Record<Severity, [string, string]> = {
  critical: ['1', '1'],
  high: ['1', '2'],
  medium: ['2', '2'],
  low: ['3', '3'],
  info: ['3', '3'],
};

/**
 * ServiceNow Table API `POST /api/now/table/incident` (201 with `{result: {sys_id, number}}`), basic
 * auth. The alert id goes in `correlation_id` so the incident can be found from the alert, but the
 * Table API does not deduplicate on it: a retry after a timeout can create a second incident
 * (at-least-once).
 */
export const servicenow = defineDestination<Settings>({
  type: 'servicenow',
  settings: ServiceNowSettings,
  events: ['trigger', 'escalate'],
  idempotent: false,
  async deliver(s, ctx) {
    const { alert } = ctx;
    const password = await ctx.secret(s.password_secret);
    const [urgency, impact] = URGENCY_IMPACT[alert.severity];
    const description = [
      alert.description,
      '',
      ...facts(alert).map(([k, v]) => `${k}: ${v}`),
      ...enrichmentLines(ctx.enrichment),
      ...recommendedActions(ctx.enrichment).map((a) => `Action: ${a}`),
      '',
      'Evidence:',
      evidenceText(alert, 20_000),
    ].join('\n');
    const body = {
      short_description: truncate(headline(alert, ctx.event), 160),
      description,
      urgency,
      impact,
      correlation_id: alert.id,
      correlation_display: 'Mantissa Log',
      ...(s.category ? { category: s.category } : {}),
      ...(s.assignment_group ? { assignment_group: s.assignment_group } : {}),
      ...(s.caller_id ? { caller_id: s.caller_id } : {}),
    };
    const res = await postJson(ctx, `${s.instance_url.replace(/\/$/, '')}/api/now/table/incident`, body, {
      accept: 'application/json',
      authorization: basicAuth(s.username, password),
    });
    const number = (jsonOf(res.body).result as { number?: unknown } | undefined)?.number;
    return typeof number === 'string' ? { reference: number } : {};
  },
});
