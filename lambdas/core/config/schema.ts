import { z } from 'zod';
import { RedactionConfigSchema } from '../alerts/redaction/redact.js';
import { MatchSchema } from '../alerts/routing/match.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "250ms", "30s", "5m", "1h", "7d" in milliseconds. */
const duration = z
  .string()
  .regex(/^\d+\s*(ms|s|m|h|d)$/, 'a duration such as "500ms", "30s", "5m", "1h" or "7d"')
  .transform((text) => {
    const [, n, unit] = /^(\d+)\s*(ms|s|m|h|d)$/.exec(text) as RegExpExecArray;
    return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  });

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-"');

/**
 * One destination entry: `name`, `type`, `redact`, and the type's own settings beside them (checked
 * against that type's schema separately, so errors name the type's fields).
 */
export const DestinationEntrySchema = z.looseObject({
  name,
  type: z.string().min(1),
  redact: RedactionConfigSchema.optional(),
});

export const RouteSchema = z.strictObject({
  name: z.string().min(1).optional(),
  match: MatchSchema,
  to: z.array(name).min(1),
  /** Sent to `to` when the alert is still open (not acknowledged or resolved) `after` it was raised. */
  escalate: z.strictObject({ after: duration, to: z.array(name).min(1) }).optional(),
});
export type Route = z.infer<typeof RouteSchema>;

export const DeliverySchema = z.strictObject({
  /** Attempts before an item is dead-lettered. */
  max_attempts: z.number().int().min(1).max(100).default(8),
  /** Per-request timeout. */
  timeout: duration.default(10_000),
  /** Full-jitter backoff: the n-th retry waits up to min(backoff_cap, backoff_base * 2^(n-1)). */
  backoff_base: duration.default(5_000),
  backoff_cap: duration.default(900_000),
});

const ThreatIntelProvider = z.strictObject({
  /** Name of the secret holding the API key; the provider is used only when it resolves. */
  api_key_secret: z.string().min(1),
  per_minute: z.number().int().min(1).optional(),
  per_day: z.number().int().min(1).optional(),
});

export const EnrichmentSchema = z.strictObject({
  geo: z.boolean().default(true),
  abuseipdb: ThreatIntelProvider.optional(),
  virustotal: ThreatIntelProvider.optional(),
  /** How long a threat-intelligence answer is reused. */
  cache_ttl: duration.default(86_400_000),
  related: z.boolean().default(true),
  history: z.boolean().default(true),
  /** Use the runtime's LLM for the summary when there is one (a template otherwise). */
  llm_summary: z.boolean().default(true),
});

export const ConfigSchema = z.strictObject({
  destinations: z.array(DestinationEntrySchema).default([]),
  routes: z.array(RouteSchema).default([]),
  delivery: DeliverySchema.default(DeliverySchema.parse({})),
  enrichment: EnrichmentSchema.default(EnrichmentSchema.parse({})),
});
