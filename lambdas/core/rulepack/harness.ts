import { ingestObject } from '../lake/ingest.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ParquetEncoder } from '../ports/parquet-encoder.js';
import type { QueryEngine } from '../ports/query-engine.js';
import type { StateStore } from '../ports/state-store.js';
import { compileMatchers, convertRules, ruleKey } from '../sigma/convert.js';
import { pipelineFor } from '../sigma/pipelines/index.js';
import type { CorrelationRule, DetectionRule, SigmaRule } from '../sigma/types.js';
import { RecordError, type SourceModule } from '../sources/types.js';
import { resultColumnProblems } from './columns.js';
import type { PackEntry } from './pack.js';
import { nonPortableJson } from './portability.js';

export interface HarnessDeps {
  /** A scratch lake: test events are ingested into it for real. */
  store: ObjectStore;
  state: StateStore;
  encoder: ParquetEncoder;
  clock: Clock;
  sources: readonly SourceModule[];
  /** A DuckDB engine over the scratch lake (the SQL uses DuckDB's dialect). */
  query: QueryEngine;
  /** How to name a lake table from inside a CTE that shadows it. @default main."<table>" */
  tableRef?: (table: string) => string;
}

export interface RuleTestResult {
  file: string;
  id: string;
  title: string;
  kind: SigmaRule['kind'];
  status: 'pass' | 'fail' | 'skip';
  /** Each says which test event and what went wrong: `file:line tests.match[1]: ...`. */
  failures: string[];
  events: number;
}

/** One test event on its way through the lake. */
interface Probe {
  entry: number;
  expect: 'match' | 'miss';
  index: number;
  line?: number;
  key: string;
  source?: SourceModule;
  /** The rows the source normalised the record into, per table: what the realtime matcher sees. */
  rows: Map<string, Record<string, unknown>[]>;
  /** `<table>/<event_id>` of those rows: how the SQL's result rows are traced back to the record. */
  ids: Set<string>;
}

const PREFIX = 'rule-tests';

function caseField(p: Probe): string {
  return `tests.${p.expect === 'match' ? 'match' : 'no_match'}[${p.index}]`;
}

/** The rules a correlation refers to, by id or name, among the pack's rules. */
function membersOf(rule: CorrelationRule, all: readonly SigmaRule[]): DetectionRule[] {
  return rule.rules
    .map((ref) => all.find((r) => r.id === ref || r.name === ref))
    .filter((r): r is DetectionRule => r?.kind === 'detection');
}

function sourceForTable(sources: readonly SourceModule[], table: string): SourceModule | undefined {
  return sources.find((s) => s.tables.some((t) => t.name === table));
}

/**
 * Runs every rule's test events the way production would see them: each record is ingested by its
 * source into a scratch lake (Parquet through the real encoder), the rule's DuckDB SQL runs over
 * the real table, and must select exactly the `match` records; the in-memory matcher, over the rows
 * the source normalised, must agree. A correlation must fire on its `match` records together and
 * stay silent on its `no_match` records, and its member rules' SQL and matcher must agree on both;
 * its result columns must be named alike on DuckDB and Athena (lower case).
 */
export async function runRuleTests(
  deps: HarnessDeps,
  entries: readonly PackEntry[],
): Promise<RuleTestResult[]> {
  const all = entries.map((e) => e.rule);
  const tableRef = deps.tableRef ?? ((t: string) => `main."${t.replaceAll('"', '""')}"`);
  const results: RuleTestResult[] = [];
  const probesOf = new Map<number, Probe[]>();
  const tablesOf = new Map<number, DetectionRule[]>();

  for (const [n, entry] of entries.entries()) {
    const rule = entry.rule;
    const result: RuleTestResult = {
      file: entry.file,
      id: ruleKey(rule),
      title: rule.title,
      kind: rule.kind,
      status: 'pass',
      failures: [],
      events: 0,
    };
    results.push(result);
    const fail = (msg: string, line?: number, field?: string) => {
      result.status = 'fail';
      result.failures.push(`${entry.file}${line ? `:${line}` : ''}${field ? ` ${field}` : ''}: ${msg}`);
    };
    if (
      rule.kind === 'filter' ||
      !entry.tests ||
      entry.tests.match.length + entry.tests.noMatch.length === 0
    ) {
      result.status = 'skip';
      continue;
    }
    const detections = rule.kind === 'detection' ? [rule] : membersOf(rule, all);
    if (detections.length === 0) {
      fail(
        'none of the rules the correlation refers to is a detection rule of the pack',
        entry.line,
        'correlation.rules',
      );
      continue;
    }
    const sources = new Set<SourceModule>();
    for (const d of detections) {
      const pipeline = pipelineFor(d.logsource);
      const source = pipeline && sourceForTable(deps.sources, pipeline.table);
      if (!source) {
        fail(
          `no source module writes the table of logsource ${JSON.stringify(d.logsource)}`,
          entry.line,
          'logsource',
        );
      } else sources.add(source);
    }
    if (result.status === 'fail') continue;
    tablesOf.set(n, detections);
    const probes: Probe[] = [];
    const key = `${PREFIX}/${n}.ndjson`;
    const cases = [
      ['match', entry.tests.match, entry.tests.matchLines],
      ['miss', entry.tests.noMatch, entry.tests.noMatchLines],
    ] as const;
    // One object per rule, every test event a line of it: one ingest, one Parquet file per table and hour.
    const lines: string[] = [];
    const owner = new Map<string, Probe>();
    for (const [expect, records, recordLines] of cases) {
      for (const [index, record] of records.entries()) {
        const probe: Probe = {
          entry: n,
          expect,
          index,
          line: recordLines[index],
          key,
          rows: new Map(),
          ids: new Set(),
        };
        probes.push(probe);
        result.events++;
        const source = sources.size === 1 ? [...sources][0] : [...sources].find((s) => s.detect(record));
        if (!source) {
          fail('no source of the rule recognises this record', probe.line, caseField(probe));
          continue;
        }
        probe.source = source;
        try {
          for (const { table, row } of source.normalise(record, {
            sourceObject: key,
            ingestTs: deps.clock.now(),
          })) {
            probe.rows.set(table, [...(probe.rows.get(table) ?? []), row]);
            const id = `${table}/${String(row.event_id)}`;
            const other = owner.get(id);
            if (other && other !== probe) {
              fail(
                `same event_id as ${caseField(other)}: give each test event its own id`,
                probe.line,
                caseField(probe),
              );
            }
            owner.set(id, probe);
            probe.ids.add(id);
          }
        } catch (err) {
          if (!(err instanceof RecordError)) throw err;
          fail(`${source.name} would quarantine the record: ${err.message}`, probe.line, caseField(probe));
        }
        lines.push(JSON.stringify(record));
      }
    }
    const sourceNames = new Set(probes.map((p) => p.source?.name).filter((x): x is string => !!x));
    if (sourceNames.size === 1 && lines.length > 0) {
      const body = new TextEncoder().encode(`${lines.join('\n')}\n`);
      const report = await ingestObject(deps, { sourceObject: key, body, source: [...sourceNames][0] });
      // Records the source refused are already reported one by one above.
      if (report.quarantined > 0 && result.failures.length === 0) {
        fail(
          `ingest quarantined ${report.quarantined} test events: ${report.reasons[0]?.position}: ${report.reasons[0]?.reason}`,
          entry.line,
          'tests',
        );
      }
    } else if (sourceNames.size > 1) {
      fail('test events of more than one source in one rule are not supported', entry.line, 'tests');
    }
    probesOf.set(n, probes);
  }

  const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
  /** The rule's own rows of `table`: its object, and (for one case of a correlation) only that case's events. */
  const scope = (table: string, key: string, only?: Probe[]) => {
    let where = `source_object = ${quote(key)}`;
    if (only) {
      const ids = only.flatMap((p) =>
        [...p.ids].filter((i) => i.startsWith(`${table}/`)).map((i) => i.slice(table.length + 1)),
      );
      where += ` AND event_id IN (${ids.length > 0 ? ids.map(quote).join(', ') : 'NULL'})`;
    }
    return `"${table}" AS (SELECT * FROM ${tableRef(table)} WHERE ${where})`;
  };
  const selectIds = async (sql: string, table: string, key: string): Promise<Set<string>> => {
    const res = await deps.query.query(
      `WITH ${scope(table, key)}\nSELECT DISTINCT event_id FROM (${sql}) AS q`,
      {
        maxRows: 10_000,
      },
    );
    return new Set(res.rows.map((r) => `${table}/${String(r.event_id)}`));
  };
  const countRows = async (sql: string, tables: string[], key: string, only: Probe[]): Promise<number> => {
    const ctes = [...new Set(tables)].map((t) => scope(t, key, only));
    const res = await deps.query.query(`WITH ${ctes.join(', ')}\nSELECT count(*) AS n FROM (${sql}) AS q`);
    return Number(res.rows[0]?.n ?? 0);
  };

  for (const [n, entry] of entries.entries()) {
    const result = results[n] as RuleTestResult;
    const probes = probesOf.get(n);
    const detections = tablesOf.get(n);
    if (result.status !== 'pass' || !probes || !detections) continue;
    const fail = (msg: string, line?: number, field?: string) => {
      result.status = 'fail';
      result.failures.push(`${entry.file}${line ? `:${line}` : ''}${field ? ` ${field}` : ''}: ${msg}`);
    };
    const key = `${PREFIX}/${n}.ndjson`;
    // Each detection rule (the rule itself, or a correlation's members): SQL and matcher, event by event.
    for (const d of detections) {
      const [converted] = convertRules([d], { dialect: 'duckdb', context: all });
      const [matcher] = compileMatchers([d], { context: all });
      if (!converted || 'error' in converted) {
        fail(
          `does not convert: ${converted && 'error' in converted ? converted.error : 'no result'}`,
          entry.line,
        );
        continue;
      }
      if (!matcher || 'error' in matcher) {
        fail(`no matcher: ${matcher && 'error' in matcher ? matcher.error : 'no result'}`, entry.line);
        continue;
      }
      for (const msg of nonPortableJson(d, probes, matcher.table))
        fail(msg.text, msg.probe.line, caseField(msg.probe));
      const selected = await selectIds(converted.sql, matcher.table, key);
      const member = d !== entry.rule ? `member rule ${ruleKey(d)}: ` : '';
      for (const p of probes) {
        const bySql = [...p.ids].some((id) => selected.has(id));
        const rows = p.rows.get(matcher.table) ?? [];
        const byMatcher = rows.some((row) => matcher.match(row));
        if (rows.length === 0 && p.source) {
          if (entry.rule.kind === 'detection')
            fail(`the record gives no row in table ${matcher.table}`, p.line, caseField(p));
          continue;
        }
        if (bySql !== byMatcher) {
          fail(
            `${member}SQL ${bySql ? 'selects' : 'does not select'} it but the matcher ${byMatcher ? 'matches' : 'does not'}`,
            p.line,
            caseField(p),
          );
        } else if (entry.rule.kind === 'detection' && bySql !== (p.expect === 'match')) {
          fail(
            p.expect === 'match'
              ? 'must match, but the rule does not select it'
              : 'must not match, but the rule selects it',
            p.line,
            caseField(p),
          );
        }
      }
    }
    if (entry.rule.kind !== 'correlation') continue;
    const [converted] = convertRules([entry.rule], { dialect: 'duckdb', context: all });
    if (!converted || 'error' in converted) {
      fail(
        `does not convert: ${converted && 'error' in converted ? converted.error : 'no result'}`,
        entry.line,
      );
      continue;
    }
    const tables = detections.map((d) => pipelineFor(d.logsource)?.table).filter((t): t is string => !!t);
    const ctes = [...new Set(tables)].map((t) => scope(t, key)).join(', ');
    for (const problem of await resultColumnProblems(deps.query, converted.sql, ctes))
      fail(problem, entry.line, 'correlation');
    const fired = await countRows(
      converted.sql,
      tables,
      key,
      probes.filter((p) => p.expect === 'match'),
    );
    if (entry.tests?.match.length && fired === 0)
      fail(
        'the match events together must fire the correlation, but it returns no row',
        entry.tests.line,
        'tests.match',
      );
    const silent = await countRows(
      converted.sql,
      tables,
      key,
      probes.filter((p) => p.expect === 'miss'),
    );
    if (entry.tests?.noMatch.length && silent > 0)
      fail(
        `the no_match events together must not fire the correlation, but it returns ${silent} rows`,
        entry.tests.line,
        'tests.no_match',
      );
  }
  return results;
}
