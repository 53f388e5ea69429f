import { z } from 'zod';
import type { Enrichment } from '../enrichment/types.js';
import type { Alert } from '../model.js';
import { BUILTIN_PATTERNS, DEFAULT_REDACTION, REDACTION_ALIASES, type RedactionPattern } from './patterns.js';

const BUILTIN_NAMES = [...BUILTIN_PATTERNS.map((p) => p.name), ...Object.keys(REDACTION_ALIASES)] as [
  string,
  ...string[],
];

/**
 * A destination's `redact:` list: built-in pattern names (`email`, `phone`, `ssn`, `card`, `ip`,
 * `ipv4`, `ipv6`, `aws_access_key`, `aws_secret_key`) and custom `{name, pattern}` entries.
 * Absent means DEFAULT_REDACTION; `[]` means nothing is redacted.
 */
export const RedactionConfigSchema = z.array(
  z.union([
    z.enum(BUILTIN_NAMES),
    z.strictObject({
      name: z.string().regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, _ and -'),
      pattern: z.string().refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression'),
    }),
  ]),
);
export type RedactionConfig = z.infer<typeof RedactionConfigSchema>;

/** Turns a destination's configuration into the patterns to apply, in a fixed order. */
export function compileRedaction(config: RedactionConfig | undefined): RedactionPattern[] {
  const entries = config ?? DEFAULT_REDACTION;
  const wanted = new Set<string>();
  const custom: RedactionPattern[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') for (const name of REDACTION_ALIASES[entry] ?? [entry]) wanted.add(name);
    else custom.push({ name: entry.name, pattern: new RegExp(entry.pattern, 'g') });
  }
  // Custom patterns first: they are the most specific thing the operator knows about their data.
  return [...custom, ...BUILTIN_PATTERNS.filter((p) => wanted.has(p.name))];
}

export function redactText(text: string, patterns: readonly RedactionPattern[]): string {
  let out = text;
  for (const p of patterns) {
    p.pattern.lastIndex = 0;
    out = out.replace(p.pattern, (match) => (p.accept && !p.accept(match) ? match : `[REDACTED:${p.name}]`));
  }
  return out;
}

/**
 * A redacted deep copy: every string (object keys included, since log fields can be named after
 * data) goes through the patterns. The input is never modified, so the stored alert keeps its raw
 * evidence.
 */
export function redactValue<T>(value: T, patterns: readonly RedactionPattern[]): T {
  if (patterns.length === 0) return structuredClone(value);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, patterns);
    if (typeof v === 'number') {
      // A card number can arrive as a JSON number; it leaves as the redaction marker instead.
      const text = String(v);
      const redacted = redactText(text, patterns);
      return redacted === text ? v : redacted;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactText(k, patterns), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * The alert as a destination may see it. Identity and bookkeeping fields are kept as they are:
 * an id that happened to look like a card number must never be rewritten, since destinations use
 * it as their idempotency key (PagerDuty's dedup_key) and people use it to find the alert.
 */
export function redactAlert(alert: Alert, patterns: readonly RedactionPattern[]): Alert {
  const { id, ruleId, dedupKey, severity, status, firstSeen, lastSeen, count, createdAt, updatedAt } = alert;
  return {
    ...redactValue(alert, patterns),
    id,
    ruleId,
    dedupKey,
    severity,
    status,
    firstSeen,
    lastSeen,
    count,
    createdAt,
    updatedAt,
    eventIds: [...alert.eventIds],
    evidenceHashes: [...alert.evidenceHashes],
  };
}

export function redactEnrichment(e: Enrichment, patterns: readonly RedactionPattern[]): Enrichment {
  const redacted = redactValue(e, patterns);
  return {
    ...redacted,
    alertId: e.alertId,
    computedAt: e.computedAt,
    related: redacted.related.map((r, i) => ({ ...r, id: e.related[i]?.id ?? r.id })),
  };
}
