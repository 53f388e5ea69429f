import { createHash } from 'node:crypto';
import { entitiesOf, mergeEntities, valuesAt } from '../alerts/entities.js';
import { type Alert, EVIDENCE_CAP, EVIDENCE_HASH_CAP, MERGEABLE_STATUSES } from '../alerts/model.js';
import type { AlertStore } from '../alerts/store.js';
import type { Suppression } from '../alerts/suppressions.js';
import { suppressionCovers } from '../alerts/suppressions.js';
import type { StateStore } from '../ports/state-store.js';
import type { AlertRule } from '../rules/rule.js';
import { ThresholdState } from './threshold.js';

/** One match of a rule (an event, or a query's result row), with the event-time span it stands for. */
export interface Match {
  row: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
}

/** A match with what raising derives from it. */
export interface KeyedMatch extends Match {
  /** Tells this match from every other: event_id for events, the row's content for query rows. */
  hash: string;
}

export interface RaiseOutcome {
  raised: Alert[];
  updated: Alert[];
  /** Matches a live suppression stopped (counted on the suppression). */
  suppressed: number;
  /** Matches held until the rule's threshold is reached within its window. */
  held: number;
}

export function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

function isTimestampText(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value);
}

/** The values that identify a match: the rule's dedup fields, its entities, or every text column. */
export function dedupValues(rule: AlertRule, row: Record<string, unknown>): Record<string, unknown> {
  if (rule.dedupFields) {
    return Object.fromEntries(
      rule.dedupFields.map((f) => {
        const values = valuesAt(row, f);
        return [f, values.length === 0 ? null : values.join(',')];
      }),
    );
  }
  if (rule.dedupDefault === 'entities') {
    return Object.fromEntries(Object.entries(entitiesOf(row)).map(([k, v]) => [k, (v ?? []).join(',')]));
  }
  return Object.fromEntries(
    Object.keys(row)
      .filter((k) => typeof row[k] === 'string' && !isTimestampText(row[k]))
      .map((k) => [k, row[k]]),
  );
}

export function dedupKeyOf(rule: AlertRule, row: Record<string, unknown>): string {
  return `${rule.id}#${hash(dedupValues(rule, row)).slice(0, 32)}`;
}

function identityOf(rule: AlertRule, row: Record<string, unknown>): string {
  const eventId = row.event_id;
  return rule.matchIdentity === 'event' && typeof eventId === 'string' ? hash(['event', eventId]) : hash(row);
}

function titleFor(rule: AlertRule, values: Record<string, unknown>): string {
  const parts = Object.entries(values)
    .filter(([, v]) => v !== null && v !== '')
    .slice(0, 4)
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `${rule.name}: ${parts.join(' ')}` : rule.name;
}

const eventIdsOf = (rows: Record<string, unknown>[]) =>
  rows.map((r) => r.event_id).filter((id): id is string => typeof id === 'string');

export interface RaiseDeps {
  alerts: AlertStore;
  state: StateStore;
}

/**
 * Turns a rule's matches into stored alerts. Matches are grouped by dedup key; a live suppression
 * covering a match's entities stops it (counted there); the rest merge into the open alert with the
 * same key last seen within the rule's deduplication window, or are held until `threshold` of them
 * fall within the window, then raise a new alert. Idempotent: a new alert's id derives from its
 * dedup key and first match, and matches already merged are recognised by identity, so re-running a
 * cycle (or the scheduled scan seeing what the real-time path already raised) changes nothing.
 */
export async function raiseMatches(
  deps: RaiseDeps,
  rule: AlertRule,
  matches: readonly Match[],
  now: Date,
): Promise<RaiseOutcome> {
  const outcome: RaiseOutcome = { raised: [], updated: [], suppressed: 0, held: 0 };
  if (matches.length === 0) return outcome;
  const suppressions = await deps.alerts.suppressions.list(rule.id);
  const groups = new Map<string, { values: Record<string, unknown>; matches: KeyedMatch[] }>();
  const stopped = new Map<Suppression, string[]>();
  for (const m of matches) {
    const keyed: KeyedMatch = { ...m, hash: identityOf(rule, m.row) };
    const suppression = suppressions.find((s) => suppressionCovers(s, entitiesOf(m.row)));
    if (suppression) {
      stopped.set(suppression, [...(stopped.get(suppression) ?? []), keyed.hash]);
      continue;
    }
    const values = dedupValues(rule, m.row);
    const key = `${rule.id}#${hash(values).slice(0, 32)}`;
    const group = groups.get(key) ?? { values, matches: [] };
    groups.set(key, group);
    group.matches.push(keyed);
  }
  for (const [s, hashes] of stopped) {
    await deps.alerts.suppressions.count(s, hashes, now);
    outcome.suppressed += hashes.length;
  }
  for (const [dedupKey, group] of groups) {
    group.matches.sort((a, b) =>
      a.firstSeen !== b.firstSeen ? (a.firstSeen < b.firstSeen ? -1 : 1) : a.hash < b.hash ? -1 : 1,
    );
    await raiseGroup(deps, rule, dedupKey, group.values, group.matches, now, outcome);
  }
  return outcome;
}

/** True when the match lies within the window of the alert's span (either side: data may arrive late). */
function near(span: { firstSeen: string; lastSeen: string }, m: KeyedMatch, windowMs: number): boolean {
  return (
    Date.parse(m.firstSeen) - Date.parse(span.lastSeen) <= windowMs &&
    Date.parse(span.firstSeen) - Date.parse(m.lastSeen) <= windowMs
  );
}

/**
 * One dedup key's matches (oldest first): those no alert of the key holds yet go to the open alert
 * whose span they fall within a window of, or start a new run of matches that becomes an alert once
 * it reaches the threshold. Retried from the top on a concurrent write; already merged matches are
 * recognised then, so a retry never counts one twice.
 */
async function raiseGroup(
  deps: RaiseDeps,
  rule: AlertRule,
  dedupKey: string,
  values: Record<string, unknown>,
  matches: KeyedMatch[],
  now: Date,
  outcome: RaiseOutcome,
): Promise<void> {
  const threshold = new ThresholdState(deps.state);
  const window = rule.dedupWindowMs;
  attempts: for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await deps.alerts.forDedupKey(dedupKey);
    const known = new Set(existing.flatMap((e) => e.alert.evidenceHashes));
    const fresh = matches.filter((m) => !known.has(m.hash));
    if (fresh.length === 0) return;
    const targets = existing
      .filter((e) => MERGEABLE_STATUSES.includes(e.alert.status))
      .map((e) => ({
        stored: e,
        span: { firstSeen: e.alert.firstSeen, lastSeen: e.alert.lastSeen },
        add: [] as KeyedMatch[],
      }));
    const runs: KeyedMatch[][] = [];
    for (const m of fresh) {
      const target = targets.find((t) => near(t.span, m, window));
      if (target) {
        target.add.push(m);
        if (m.firstSeen < target.span.firstSeen) target.span.firstSeen = m.firstSeen;
        if (m.lastSeen > target.span.lastSeen) target.span.lastSeen = m.lastSeen;
        continue;
      }
      const run = runs.at(-1);
      const last = run?.at(-1);
      if (run && last && Date.parse(m.firstSeen) - Date.parse(last.lastSeen) <= window) run.push(m);
      else runs.push([m]);
    }
    for (const t of targets) {
      if (t.add.length === 0) continue;
      const updated = merged(t.stored.alert, t.add, now);
      if (!(await deps.alerts.replace(updated, t.stored.version, t.stored.alert))) continue attempts;
      outcome.updated.push(updated);
    }
    for (const run of runs) {
      let rows = run;
      if (rule.threshold > 1) {
        const held = await threshold.add(dedupKey, run, window);
        if (held.length < rule.threshold) {
          outcome.held += run.length;
          continue;
        }
        rows = held;
      }
      const alert = newAlert(rule, dedupKey, values, rows, now);
      // Someone (an earlier run of this very cycle, or another process) created it: merge instead.
      if (!(await deps.alerts.create(alert))) continue attempts;
      if (rule.threshold > 1) await threshold.clear(dedupKey);
      outcome.raised.push(alert);
    }
    return;
  }
  throw new Error(`alerts for ${dedupKey} kept changing while being raised; the cycle will retry`);
}

function merged(alert: Alert, fresh: KeyedMatch[], now: Date): Alert {
  const at = now.toISOString();
  const evidence = [...alert.evidence, ...fresh.map((r) => r.row)].slice(0, EVIDENCE_CAP);
  return {
    ...alert,
    count: alert.count + fresh.length,
    firstSeen: [alert.firstSeen, ...fresh.map((r) => r.firstSeen)].sort()[0] ?? alert.firstSeen,
    lastSeen: [alert.lastSeen, ...fresh.map((r) => r.lastSeen)].sort().at(-1) ?? alert.lastSeen,
    entities: mergeEntities(alert.entities, ...fresh.map((r) => entitiesOf(r.row))),
    evidence,
    eventIds: eventIdsOf(evidence),
    evidenceHashes: [...alert.evidenceHashes, ...fresh.map((r) => r.hash)].slice(-EVIDENCE_HASH_CAP),
    updatedAt: at,
    history: [...alert.history, { at, action: 'matched-again' }],
  };
}

function newAlert(
  rule: AlertRule,
  dedupKey: string,
  values: Record<string, unknown>,
  rows: KeyedMatch[],
  now: Date,
): Alert {
  const at = now.toISOString();
  const first = rows[0] as KeyedMatch;
  const evidence = rows.slice(0, EVIDENCE_CAP).map((r) => r.row);
  return {
    id: hash([dedupKey, first.hash]).slice(0, 24),
    ruleId: rule.id,
    ruleName: rule.name,
    severity: rule.severity,
    title: titleFor(rule, values),
    description: rule.description,
    category: rule.category,
    mitreAttack: rule.mitreAttack,
    tags: rule.tags,
    status: 'open',
    dedupKey,
    firstSeen: rows.map((r) => r.firstSeen).sort()[0] ?? first.firstSeen,
    lastSeen:
      rows
        .map((r) => r.lastSeen)
        .sort()
        .at(-1) ?? first.lastSeen,
    count: rows.length,
    entities: mergeEntities(...rows.map((r) => entitiesOf(r.row))),
    evidence,
    eventIds: eventIdsOf(evidence),
    evidenceHashes: rows.map((r) => r.hash).slice(-EVIDENCE_HASH_CAP),
    notes: [],
    createdAt: at,
    updatedAt: at,
    history: [{ at, action: 'created' }],
  };
}
