import { appendAlertsToLake } from '../alerts/lake-table.js';
import type { Alert } from '../alerts/model.js';
import { AlertStore } from '../alerts/store.js';
import { Manifest, type ManifestEntry } from '../lake/manifest.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ParquetEncoder } from '../ports/parquet-encoder.js';
import type { QueryEngine, TableScope } from '../ports/query-engine.js';
import type { StateStore } from '../ports/state-store.js';
import { guardSql } from '../query/sql-guard.js';
import type { AlertRule } from '../rules/rule.js';
import { sqlAlertRule } from '../rules/rule.js';
import type { SigmaEventRule, SigmaQueryRule } from '../rules/sigma-rule.js';
import type { SqlRule } from '../rules/sql-rule.js';
import { renderFusedScan, runFusedScan, timeOf } from './fused.js';
import { type Match, type RaiseOutcome, raiseMatches } from './raise.js';

export interface DetectionDeps {
  state: StateStore;
  query: QueryEngine;
  clock: Clock;
  rules: readonly SqlRule[];
  /** Sigma rules compiled for `query`'s dialect. */
  sigma?: { events: readonly SigmaEventRule[]; queries: readonly SigmaQueryRule[] };
  /** Every table the lake has (rules may read only these). */
  tables: readonly string[];
  /** Where the alerts table is appended to; without it alerts live in the state store only. */
  lake?: { store: ObjectStore; encoder: ParquetEncoder };
  /** Who this cycle is, and whether a lease's holder still runs (locally: is the pid alive). */
  holder?: { id: Record<string, unknown>; alive(holder: Record<string, unknown>): boolean };
  /** Called at named points of the cycle; tests use it to kill the process there. */
  fault?: (point: 'rule-done' | 'before-append' | 'before-commit') => void;
}

export interface CycleReport {
  /** Manifest batches this cycle consumed. */
  batches: number;
  rulesRun: number;
  /** Queries run: one per SQL rule and correlation, one fused scan per table for single-event rules. */
  queries: number;
  raised: Alert[];
  updated: Alert[];
  /** Matches stopped by a suppression, and matches held below their rule's threshold. */
  suppressed: number;
  held: number;
  /** Rules that failed this cycle, with the engine's error. */
  errors: { ruleId: string; error: string }[];
  /** Rows appended to the alerts table. */
  alertsAppended: number;
  /** True when another process held the detection lease, so this cycle did nothing. */
  skipped?: boolean;
}

const LEASE = { pk: 'lock', sk: 'detection', seconds: 600 };
const MAX_MATCHES_PER_RULE = 1_000;

type Range = { from: number; to: number };

/**
 * One detection cycle: take the manifest batches not yet seen; run every enabled SQL rule and
 * Sigma correlation whose tables received data (one query each, scoped to the new data's event-time
 * range widened by the rule's window) and all single-event Sigma rules of each such table in one
 * fused scan of the new data; store the alerts; append them to the alerts table; and only then mark
 * the batches consumed. A crash before that point re-runs the same batches next time; raising is
 * idempotent, so nothing is raised or counted twice.
 */
export async function runDetectionCycle(deps: DetectionDeps): Promise<CycleReport> {
  const report: CycleReport = {
    batches: 0,
    rulesRun: 0,
    queries: 0,
    raised: [],
    updated: [],
    suppressed: 0,
    held: 0,
    errors: [],
    alertsAppended: 0,
  };
  const now = deps.clock.now();
  if (!(await takeLease(deps, now))) return { ...report, skipped: true };
  try {
    const manifest = new Manifest(deps.state);
    const pending = await manifest.pending();
    const alerts = new AlertStore(deps.state);
    const ranges = tableRanges(pending.map((p) => p.entry));
    const record = async (rule: AlertRule, matches: Match[]) => {
      const outcome: RaiseOutcome = await raiseMatches({ alerts, state: deps.state }, rule, matches, now);
      report.raised.push(...outcome.raised);
      report.updated.push(...outcome.updated);
      report.suppressed += outcome.suppressed;
      report.held += outcome.held;
      deps.fault?.('rule-done');
    };

    for (const rule of deps.rules) {
      if (!rule.enabled) continue;
      let tables: string[];
      try {
        tables = guardSql(rule.query, { tables: deps.tables }).tables;
      } catch (err) {
        report.errors.push({ ruleId: rule.id, error: (err as Error).message });
        continue;
      }
      await runQueryRule(
        deps,
        report,
        sqlAlertRule(rule),
        rule.query,
        tables,
        rule.threshold.window,
        ranges,
        record,
      );
    }
    for (const rule of deps.sigma?.queries ?? []) {
      if (rule.enabled)
        await runQueryRule(deps, report, rule, rule.sql, rule.tables, rule.lookbackMs, ranges, record);
    }

    const byTable = new Map<string, SigmaEventRule[]>();
    for (const rule of deps.sigma?.events ?? []) {
      if (!rule.enabled || !ranges.has(rule.compiled.table)) continue;
      byTable.set(rule.compiled.table, [...(byTable.get(rule.compiled.table) ?? []), rule]);
    }
    for (const [table, rules] of byTable) {
      const range = ranges.get(table) as Range;
      report.rulesRun += rules.length;
      report.queries += 1;
      let matches: Map<SigmaEventRule, Match[]>;
      try {
        const scan = renderFusedScan(table, rules, deps.query.dialect);
        const scope = { table, from: new Date(range.from), to: new Date(range.to) };
        matches = (await runFusedScan(deps.query, scan, scope)).matches;
      } catch (err) {
        for (const rule of rules) report.errors.push({ ruleId: rule.id, error: (err as Error).message });
        continue;
      }
      for (const [rule, list] of matches) await record(rule, list);
    }

    deps.fault?.('before-append');
    if (deps.lake) report.alertsAppended = await appendAlertsToLake(alerts, deps.lake, now);
    deps.fault?.('before-commit');
    if (pending.length > 0) await manifest.markConsumed(pending.map((p) => p.key));
    report.batches = pending.length;
    return report;
  } finally {
    await deps.state.delete(LEASE.pk, LEASE.sk);
  }
}

/** Takes the detection lease, or takes it over when its holder is known to be gone (killed). */
async function takeLease(deps: DetectionDeps, now: Date): Promise<boolean> {
  const expiresAt = Math.floor(now.getTime() / 1000) + LEASE.seconds;
  const holder = deps.holder?.id ?? { pid: process.pid };
  if (await deps.state.put(LEASE.pk, LEASE.sk, holder, { ifNotExists: true, expiresAt })) return true;
  const current = await deps.state.get<Record<string, unknown>>(LEASE.pk, LEASE.sk);
  if (!current || !deps.holder || deps.holder.alive(current.value)) return false;
  return deps.state.put(LEASE.pk, LEASE.sk, holder, { ifVersion: current.version, expiresAt });
}

async function runQueryRule(
  deps: DetectionDeps,
  report: CycleReport,
  rule: AlertRule,
  sql: string,
  tables: string[],
  lookbackMs: number,
  ranges: Map<string, Range>,
  record: (rule: AlertRule, matches: Match[]) => Promise<void>,
): Promise<void> {
  if (!tables.some((t) => ranges.has(t))) return;
  const scopes = scopesFor(tables, ranges, lookbackMs);
  report.rulesRun += 1;
  report.queries += 1;
  let rows: Record<string, unknown>[];
  try {
    rows = (await deps.query.query(sql, { scopes, maxRows: MAX_MATCHES_PER_RULE })).rows;
  } catch (err) {
    report.errors.push({ ruleId: rule.id, error: (err as Error).message });
    return;
  }
  // Scopes share one range; its end stands in for rows that carry no event time of their own.
  const fallback = (scopes[0]?.to ?? deps.clock.now()).toISOString();
  await record(
    rule,
    rows.map((row) => toMatch(row, fallback)),
  );
}

function tableRanges(entries: ManifestEntry[]): Map<string, Range> {
  const ranges = new Map<string, Range>();
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
function scopesFor(tables: string[], ranges: Map<string, Range>, windowMs: number): TableScope[] {
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
      const t = timeOf(row[name]);
      if (t) return t;
    }
    return undefined;
  };
  return {
    row,
    firstSeen: pick(FIRST_SEEN_COLUMNS) ?? fallback,
    lastSeen: pick(LAST_SEEN_COLUMNS) ?? fallback,
  };
}
