import type { Alert } from '../alerts/model.js';
import { AlertStore } from '../alerts/store.js';
import { Manifest, type ManifestEntry } from '../lake/manifest.js';
import type { Clock } from '../ports/clock.js';
import type { QueryEngine, TableScope } from '../ports/query-engine.js';
import type { StateStore } from '../ports/state-store.js';
import { guardSql } from '../query/sql-guard.js';
import type { SqlRule } from '../rules/sql-rule.js';
import { dedupValues, type Match, raise } from './raise.js';

export interface DetectionDeps {
  state: StateStore;
  query: QueryEngine;
  clock: Clock;
  rules: readonly SqlRule[];
  /** Every table the lake has (rules may read only these). */
  tables: readonly string[];
}

export interface CycleReport {
  /** Manifest batches this cycle consumed. */
  batches: number;
  rulesRun: number;
  raised: Alert[];
  updated: Alert[];
  /** Rules that failed this cycle, with the engine's error. */
  errors: { ruleId: string; error: string }[];
  /** True when another process held the detection lease, so this cycle did nothing. */
  skipped?: boolean;
}

const LEASE = { pk: 'lock', sk: 'detection', seconds: 600 };
const MAX_MATCHES_PER_RULE = 1_000;

/**
 * One detection cycle: take the manifest batches not yet seen, run every enabled rule whose tables
 * received data over that data (scoped to the batches' event-time range widened by the rule's
 * window), store the alerts, and only then mark the batches consumed. A crash before that point
 * re-runs the same batches next time; alert raising is idempotent, so nothing is raised twice.
 */
export async function runDetectionCycle(deps: DetectionDeps): Promise<CycleReport> {
  const report: CycleReport = { batches: 0, rulesRun: 0, raised: [], updated: [], errors: [] };
  const now = deps.clock.now();
  const leaseUntil = Math.floor(now.getTime() / 1000) + LEASE.seconds;
  if (
    !(await deps.state.put(
      LEASE.pk,
      LEASE.sk,
      { holder: process.pid },
      { ifNotExists: true, expiresAt: leaseUntil },
    ))
  ) {
    return { ...report, skipped: true };
  }
  try {
    const manifest = new Manifest(deps.state);
    const pending = await manifest.pending();
    if (pending.length === 0) return report;
    const ranges = tableRanges(pending.map((p) => p.entry));
    const alerts = new AlertStore(deps.state);

    for (const rule of deps.rules) {
      if (!rule.enabled) continue;
      let tables: string[];
      try {
        tables = guardSql(rule.query, { tables: deps.tables }).tables;
      } catch (err) {
        report.errors.push({ ruleId: rule.id, error: (err as Error).message });
        continue;
      }
      if (!tables.some((t) => ranges.has(t))) continue;
      const scopes = scopesFor(tables, ranges, rule.threshold.window);
      report.rulesRun += 1;
      let rows: Record<string, unknown>[];
      try {
        rows = (await deps.query.query(rule.query, { scopes, maxRows: MAX_MATCHES_PER_RULE })).rows;
      } catch (err) {
        report.errors.push({ ruleId: rule.id, error: (err as Error).message });
        continue;
      }
      if (rows.length < rule.threshold.count) continue;
      // Scopes share one range; its end stands in for rows that carry no event time of their own.
      const fallback = (scopes[0]?.to ?? now).toISOString();
      for (const group of groupByDedup(
        rule,
        rows.map((row) => toMatch(row, fallback)),
      )) {
        const outcome = await raise(alerts, rule, group, now);
        if (outcome.created) report.raised.push(outcome.alert);
        else if (outcome.changed) report.updated.push(outcome.alert);
      }
    }
    await manifest.markConsumed(pending.map((p) => p.key));
    report.batches = pending.length;
    return report;
  } finally {
    await deps.state.delete(LEASE.pk, LEASE.sk);
  }
}

function tableRanges(entries: ManifestEntry[]): Map<string, { from: number; to: number }> {
  const ranges = new Map<string, { from: number; to: number }>();
  for (const entry of entries) {
    for (const [table, write] of Object.entries(entry.tables)) {
      const from = Date.parse(write.minTs);
      const to = Date.parse(write.maxTs);
      const current = ranges.get(table);
      ranges.set(
        table,
        current ? { from: Math.min(current.from, from), to: Math.max(current.to, to) } : { from, to },
      );
    }
  }
  return ranges;
}

/** Every table a rule reads is scoped to the union of the new data's range, reaching back one window. */
function scopesFor(
  tables: string[],
  ranges: Map<string, { from: number; to: number }>,
  windowMs: number,
): TableScope[] {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const table of tables) {
    const range = ranges.get(table);
    if (!range) continue;
    from = Math.min(from, range.from);
    to = Math.max(to, range.to);
  }
  return tables.map((table) => ({ table, from: new Date(from - windowMs), to: new Date(to) }));
}

const FIRST_SEEN_COLUMNS = ['first_seen', 'firstseen', 'start_time', 'eventtime', 'ts'];
const LAST_SEEN_COLUMNS = ['last_seen', 'lastseen', 'end_time', 'eventtime', 'ts'];

function toMatch(row: Record<string, unknown>, fallback: string): Match {
  const pick = (names: string[]) => {
    for (const name of names) {
      const value = row[name];
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
    }
    return undefined;
  };
  return {
    row,
    firstSeen: pick(FIRST_SEEN_COLUMNS) ?? fallback,
    lastSeen: pick(LAST_SEEN_COLUMNS) ?? fallback,
  };
}

function groupByDedup(rule: SqlRule, matches: Match[]): Match[][] {
  const groups = new Map<string, Match[]>();
  for (const match of matches) {
    const key = JSON.stringify(dedupValues(rule, match.row));
    const group = groups.get(key);
    if (group) group.push(match);
    else groups.set(key, [match]);
  }
  return [...groups.values()];
}
