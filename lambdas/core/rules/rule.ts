import type { Severity } from '../alerts/model.js';
import type { SqlRule } from './sql-rule.js';

/**
 * What raising an alert needs to know of a rule, whatever its kind (SQL, Sigma single-event,
 * Sigma correlation). Dedup and threshold follow Matano's alert settings: matches with the same
 * dedup values within `dedupWindowMs` merge into one alert, and no alert is raised until
 * `threshold` of them have occurred within that window.
 */
export interface AlertRule {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  category: string;
  mitreAttack: string[];
  tags: string[];
  /** Dotted paths into the match row whose values identify "the same thing". */
  dedupFields?: string[];
  /** Without dedupFields: dedup by every text column (`columns`) or by the row's entities (`entities`). */
  dedupDefault: 'columns' | 'entities';
  dedupWindowMs: number;
  threshold: number;
  /**
   * How one match is told from another: single-event rules by the event's `event_id` (so the
   * real-time matcher and the scheduled scan agree on it), query rules by the whole result row.
   */
  matchIdentity: 'event' | 'row';
}

export const DEFAULT_DEDUP_WINDOW_MS = 3_600_000;

export function sqlAlertRule(rule: SqlRule): AlertRule {
  const out: AlertRule = {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    severity: rule.severity,
    category: rule.category,
    mitreAttack: rule.metadata.mitre_attack,
    tags: rule.metadata.tags,
    dedupDefault: 'columns',
    dedupWindowMs: rule.deduplication_window ?? rule.threshold.window,
    threshold: rule.threshold.count,
    matchIdentity: 'row',
  };
  if (rule.dedup_fields) out.dedupFields = rule.dedup_fields;
  return out;
}
