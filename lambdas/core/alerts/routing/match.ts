import { z } from 'zod';
import type { Alert, Severity } from '../model.js';

export const SEVERITIES = [
  'info',
  'low',
  'medium',
  'high',
  'critical',
] as const satisfies readonly Severity[];
const severity = z.enum(SEVERITIES);

/**
 * A route's `match:`; every given condition must hold, and `{}` matches every alert. Within one
 * condition any listed value suffices. `severity` is a list or `{min: high}`; `rule` holds rule ids
 * or globs (`sql/cloudtrail/*`, `**` crosses `/`); `tags` matches when the alert has any of them;
 * `source` is the log source (`cloudtrail`), read from the rule id.
 */
export const MatchSchema = z.strictObject({
  severity: z.union([z.array(severity).min(1), z.strictObject({ min: severity })]).optional(),
  rule: z.array(z.string().min(1)).min(1).optional(),
  tags: z.array(z.string().min(1)).min(1).optional(),
  source: z.array(z.string().min(1)).min(1).optional(),
});
export type Match = z.infer<typeof MatchSchema>;

/** A glob as a regular expression: `*` stays within one `/` segment, `**` does not, `?` is one character. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The log source an alert came from: the model's own field where it has one, else the rule id's folder. */
export function alertSource(alert: Alert): string | undefined {
  const own = (alert as Alert & { source?: unknown }).source;
  if (typeof own === 'string') return own;
  const parts = alert.ruleId.split('/');
  return parts.length > 2 ? parts[1] : undefined;
}

export function matches(match: Match, alert: Alert): boolean {
  if (match.severity) {
    const ok = Array.isArray(match.severity)
      ? match.severity.includes(alert.severity)
      : SEVERITIES.indexOf(alert.severity) >= SEVERITIES.indexOf(match.severity.min);
    if (!ok) return false;
  }
  if (match.rule && !match.rule.some((g) => globToRegExp(g).test(alert.ruleId))) return false;
  if (match.tags && !match.tags.some((t) => alert.tags.includes(t))) return false;
  if (match.source) {
    const source = alertSource(alert);
    if (!source || !match.source.includes(source)) return false;
  }
  return true;
}
