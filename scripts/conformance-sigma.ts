/**
 * Sigma conformance: converts every rule of a corpus (default ../shared/sigmahq) to DuckDB and
 * Athena SQL, and checks on generated events that DuckDB running the SQL and the in-memory matcher
 * agree, rule by rule (a rule reaching into list columns on its pipeline's own table, where lists
 * are lists). `npm run conformance:sigma [PATH]`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ConformError, rowConformer } from '../lambdas/core/schema/conform.js';
import { TABLES } from '../lambdas/core/schema/registry.js';
import { type ColumnType, duckdbType, quoteIdent, type TableSchema } from '../lambdas/core/schema/types.js';
import type { CompiledRule, CompileOptions } from '../lambdas/core/sigma/compile.js';
import {
  compileDetection,
  compileMatcher,
  convertRules,
  detectionSql,
  fieldsOf,
  type Pipeline,
  parseRules,
  pipelineFor,
  ruleKey,
  type SigmaRule,
} from '../lambdas/core/sigma/index.js';
import { type SampleEvent, sampleEvents } from '../lambdas/core/sigma/samples.js';
import type { DetectionRule } from '../lambdas/core/sigma/types.js';

export interface Equivalence {
  events: number;
  agreements: number;
  /** Events both sides matched: shows the generated events exercise the rule. */
  matched: number;
  mismatches: { event: SampleEvent; sql: boolean; matcher: boolean }[];
  skipped?: string;
}

type Leaf = 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';
type Shape = { leaf: Leaf } | { struct: Map<string, Shape> };

/** Column types from the values: one type per field, text when values mix types. */
function shapeOf(paths: string[][], events: SampleEvent[]): Map<string, Shape> | string {
  const root = new Map<string, Shape>();
  for (const path of paths) {
    let level = root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i] as string;
      const clash = [...level.keys()].find((k) => k.toLowerCase() === key.toLowerCase() && k !== key);
      if (clash) return `fields ${key} and ${clash} differ only in case (one DuckDB column)`;
      const last = i === path.length - 1;
      const existing = level.get(key);
      if (last) {
        if (existing && 'struct' in existing) return `${path.join('.')} is both a value and a struct`;
        const values = events.map((e) => get(e, path)).filter((v) => v !== null && v !== undefined);
        let leaf: Leaf = 'VARCHAR';
        if (values.length > 0 && values.every((v) => typeof v === 'boolean')) leaf = 'BOOLEAN';
        else if (values.length > 0 && values.every((v) => typeof v === 'number')) {
          leaf = values.every((v) => Number.isInteger(v)) ? 'BIGINT' : 'DOUBLE';
        }
        level.set(key, { leaf });
      } else {
        if (existing && 'leaf' in existing) return `${path.join('.')} is both a value and a struct`;
        const s = existing ?? { struct: new Map<string, Shape>() };
        level.set(key, s);
        level = (s as { struct: Map<string, Shape> }).struct;
      }
    }
  }
  return root;
}

function get(obj: unknown, path: string[]): unknown {
  let v = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** Makes every event's values fit the column types (text columns hold text), so both sides see one row. */
function conform(ev: unknown, shape: Map<string, Shape>): SampleEvent {
  const out: SampleEvent = {};
  if (ev === null || typeof ev !== 'object') return out;
  for (const [k, s] of shape) {
    const v = (ev as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if ('struct' in s) out[k] = conform(v, s.struct);
    else out[k] = v === null ? null : s.leaf === 'VARCHAR' ? (typeof v === 'string' ? v : String(v)) : v;
  }
  return out;
}

function typeSql(s: Shape): string {
  if ('leaf' in s) return s.leaf;
  return `STRUCT(${[...s.struct].map(([k, v]) => `${quoteIdent(k)} ${typeSql(v)}`).join(', ')})`;
}

function valueSql(v: unknown, s: Shape, params: (string | number | boolean | null)[]): string {
  if ('struct' in s) {
    if (v === undefined || v === null) return `NULL::${typeSql(s)}`;
    const parts = [...s.struct].map(
      ([k, sub]) => `${quoteIdent(k)} := ${valueSql((v as Record<string, unknown>)[k], sub, params)}`,
    );
    return `struct_pack(${parts.join(', ')})`;
  }
  if (v === undefined || v === null) return `NULL::${s.leaf}`;
  params.push(v as string | number | boolean);
  return `CAST($${params.length} AS ${s.leaf})`;
}

const EQUIVALENCE_TABLE = 'sigma_events';

/**
 * Materialises the rule's sample events (no pipeline: the rule's field names are the columns,
 * dotted names nested STRUCTs), runs the DuckDB SQL and the matcher, and compares them row by row.
 */
export async function checkEquivalence(
  conn: DuckDBConnection,
  rule: DetectionRule,
  opts: Omit<CompileOptions, 'pipeline' | 'table'> = {},
  extraEvents: SampleEvent[] = [],
): Promise<Equivalence> {
  const compiled = compileDetection(rule, { ...opts, pipeline: false, table: EQUIVALENCE_TABLE });
  const raw = [...sampleEvents(compiled.node), ...extraEvents];
  const paths = fieldsOf(compiled.node).map((f) => f.access.path);
  const shape = shapeOf(paths, raw);
  if (typeof shape === 'string')
    return { events: 0, agreements: 0, matched: 0, mismatches: [], skipped: shape };
  const events = raw.map((e) => conform(e, shape));
  const cols = [`"__row" INTEGER`, ...[...shape].map(([k, s]) => `${quoteIdent(k)} ${typeSql(s)}`)];
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${EQUIVALENCE_TABLE} (${cols.join(', ')})`);
  for (const [i, ev] of events.entries()) {
    const params: (string | number | boolean | null)[] = [];
    const values = [String(i), ...[...shape].map(([k, s]) => valueSql(ev[k], s, params))];
    await conn.run(`INSERT INTO ${EQUIVALENCE_TABLE} VALUES (${values.join(', ')})`, params);
  }
  return compare(conn, { ...compiled, table: EQUIVALENCE_TABLE }, events);
}

/** Runs the rule's DuckDB SQL over the table's rows ("__row" numbers them) and the matcher over `events`. */
async function compare(
  conn: DuckDBConnection,
  compiled: CompiledRule,
  events: SampleEvent[],
): Promise<Equivalence> {
  const sql = detectionSql(compiled, 'duckdb');
  const reader = await conn.runAndReadAll(`SELECT "__row" FROM (${sql}) AS q`);
  const sqlRows = new Set(reader.getRows().map((r) => Number(r[0])));
  const match = compileMatcher(compiled.node);
  const result: Equivalence = { events: events.length, agreements: 0, matched: 0, mismatches: [] };
  events.forEach((ev, i) => {
    const a = sqlRows.has(i);
    const b = match(ev);
    if (a === b) {
      result.agreements++;
      if (a) result.matched++;
    } else result.mismatches.push({ event: ev, sql: a, matcher: b });
  });
  return result;
}

const PIPELINE_TABLE = 'sigma_rows';

/**
 * Sample values shaped to a column type where they cannot be as they are: a text tested against a
 * whole struct (`Parameters|contains: x` on a list of name/value structs) becomes the struct's first
 * text field, so the struct's text holds it on both sides; a single value for a list, a one-element list.
 */
function shapeTo(type: ColumnType): (v: unknown) => unknown {
  if (typeof type === 'string') return (v) => v;
  if ('list' in type) {
    const each = shapeTo(type.list);
    return (v) => (v === null || v === undefined ? v : (Array.isArray(v) ? v : [v]).map(each));
  }
  const fields = Object.entries(type.struct).map(([k, t]) => [k, shapeTo(t)] as const);
  const text = Object.entries(type.struct).find(([, t]) => t === 'string')?.[0];
  return (v) => {
    if (v === null || v === undefined) return v;
    if (typeof v !== 'object' || Array.isArray(v)) return text ? { [text]: v } : v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(fields.map(([k, f]) => [k, f(o[k])]));
  };
}

/** Whether a rule's fields reach into lists, which only a pipeline's schema knows of. */
export function readsLists(rule: DetectionRule, pipeline: Pipeline, opts: CompileOptions = {}): boolean {
  const compiled = compileDetection(rule, { ...opts, pipeline });
  return fieldsOf(compiled.node).some((f) => f.access.kind === 'element');
}

/**
 * The same check on the pipeline's own table, for rules whose fields reach into lists: the events
 * (sample events, then `extraRows` in the table's shape) are conformed to the table's schema as
 * ingest does them (an event a value of which cannot take its column's type is left out), inserted
 * through a JSON cast, and read by the rule's DuckDB SQL and by the matcher.
 */
export async function checkPipelineEquivalence(
  conn: DuckDBConnection,
  rule: DetectionRule,
  pipeline: Pipeline,
  opts: Omit<CompileOptions, 'pipeline' | 'table'> = {},
  extraRows: SampleEvent[] = [],
  tables: readonly TableSchema[] = TABLES,
): Promise<Equivalence> {
  const compiled = compileDetection(rule, { ...opts, pipeline });
  const schema = tables.find((t) => t.name === compiled.table);
  if (!schema)
    return { events: 0, agreements: 0, matched: 0, mismatches: [], skipped: `no table ${compiled.table}` };
  const conformRow = rowConformer(schema.columns);
  const events: SampleEvent[] = [];
  const shape = shapeTo({ struct: Object.fromEntries(schema.columns.map((c) => [c.name, c.type])) });
  for (const ev of [...sampleEvents(compiled.node), ...extraRows]) {
    try {
      events.push(conformRow(shape(ev) as SampleEvent));
    } catch (err) {
      if (!(err instanceof ConformError)) throw err;
    }
  }
  const cols = [
    `"__row" INTEGER`,
    ...schema.columns.map((c) => `${quoteIdent(c.name)} ${duckdbType(c.type)}`),
  ];
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${PIPELINE_TABLE} (${cols.join(', ')})`);
  for (const [i, row] of events.entries()) {
    // Timestamps as DuckDB reads them from JSON text (UTC, no zone suffix).
    const json = JSON.stringify({ __row: i, ...row }, function (this: Record<string, unknown>, k, v) {
      const raw = this[k];
      return raw instanceof Date ? raw.toISOString().replace('T', ' ').replace('Z', '') : v;
    });
    await conn.run(
      `INSERT INTO ${PIPELINE_TABLE} SELECT unnest(CAST(CAST($1 AS JSON) AS STRUCT(${cols.join(', ')})))`,
      [json],
    );
  }
  return compare(conn, { ...compiled, table: PIPELINE_TABLE }, events);
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

/** Placeholders a deployment binds to its own lists; conformance binds each to two sample values. */
function samplePlaceholders(rules: SigmaRule[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of rules) {
    const text = JSON.stringify(r.kind === 'correlation' ? {} : [...r.detection.selections.values()]);
    for (const m of text.matchAll(/%([A-Za-z0-9_.-]+)%/g)) out[m[1] as string] = [`${m[1]}-a`, `${m[1]}-b*`];
  }
  return out;
}

function tableFor(rule: SigmaRule): string {
  if (rule.kind === 'correlation') return 'events';
  const ls = rule.logsource;
  return (
    [ls.product, ls.service, ls.category]
      .filter(Boolean)
      .join('_')
      .replace(/[^a-z0-9_]/gi, '_') || 'events'
  );
}

async function main(): Promise<void> {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const root = resolve(process.argv[2] ?? join(repo, '../shared/sigmahq'));
  if (!existsSync(root)) {
    console.log(`conformance:sigma skipped: no Sigma corpus at ${root} (pass a path)`);
    return;
  }
  const started = performance.now();
  const rules: SigmaRule[] = [];
  const parseErrors: string[] = [];
  for (const file of walk(root)) {
    try {
      rules.push(...parseRules(readFileSync(file, 'utf8'), relative(root, file)));
    } catch (err) {
      parseErrors.push((err as Error).message);
    }
  }
  const active = rules.filter((r) => r.status !== 'deprecated' && r.kind !== 'filter');
  const placeholders = samplePlaceholders(active);
  const base: CompileOptions = { placeholders, keywordFields: ['message'] };
  const refused = new Map<string, string>();
  let converted = 0;
  const perRule = active.map((rule) => {
    const hasPipeline = rule.kind !== 'correlation' && pipelineFor(rule.logsource) !== undefined;
    const opts: CompileOptions = hasPipeline
      ? { ...base, pipeline: 'auto' }
      : { ...base, pipeline: false, table: tableFor(rule) };
    const results = (['duckdb', 'athena'] as const).map(
      (dialect) => convertRules([rule], { ...opts, dialect, context: rules })[0],
    );
    const error = results.find((r) => r && 'error' in r);
    if (error && 'error' in error) refused.set(`${rule.file ?? ''} ${ruleKey(rule)}`, error.error);
    else converted++;
    return { rule, hasPipeline, sql: results[0] && 'sql' in results[0] ? results[0].sql : undefined };
  });
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // Pipeline SQL must bind against the real tables: create them empty and run every query once.
  for (const t of TABLES) {
    const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${duckdbType(c.type)}`);
    await conn.run(`CREATE TABLE ${quoteIdent(t.name)} (${cols.join(', ')})`);
  }
  let bound = 0;
  const bindErrors: string[] = [];
  for (const r of perRule) {
    if (!r.hasPipeline || !r.sql) continue;
    try {
      await conn.run(r.sql);
      bound++;
    } catch (err) {
      bindErrors.push(`${r.rule.file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  let total = 0;
  let agreements = 0;
  let matchedRules = 0;
  let checked = 0;
  const mismatches: string[] = [];
  const skipped: string[] = [];
  let onTable = 0;
  for (const { rule, hasPipeline, sql } of perRule) {
    if (rule.kind !== 'detection' || rule.detection.aggregation) continue;
    let eq: Equivalence;
    try {
      // Without a pipeline a dotted name is a struct path; a list field needs the table's schema.
      const pipeline = hasPipeline && sql ? pipelineFor(rule.logsource) : undefined;
      if (pipeline && readsLists(rule, pipeline, base)) {
        eq = await checkPipelineEquivalence(conn, rule, pipeline, base);
        onTable++;
      } else eq = await checkEquivalence(conn, rule, base);
    } catch (err) {
      skipped.push(`${rule.file}: ${(err as Error).message}`);
      continue;
    }
    if (eq.skipped) {
      skipped.push(`${rule.file}: ${eq.skipped}`);
      continue;
    }
    checked++;
    total += eq.events;
    agreements += eq.agreements;
    if (eq.matched > 0) matchedRules++;
    for (const m of eq.mismatches.slice(0, 2)) {
      mismatches.push(`${rule.file}: sql=${m.sql} matcher=${m.matcher} ${JSON.stringify(m.event)}`);
    }
  }
  const deprecated = rules.filter((r) => r.status === 'deprecated').length;
  const filters = rules.filter((r) => r.kind === 'filter').length;
  console.log(`Sigma conformance on ${root}`);
  console.log(
    `  documents: ${rules.length + parseErrors.length} (parse errors ${parseErrors.length}, deprecated ${deprecated}, filters ${filters})`,
  );
  console.log(`  placeholders bound to sample values: ${Object.keys(placeholders).join(', ') || 'none'}`);
  console.log(`  converted to DuckDB and Athena: ${converted}/${active.length}; refused: ${refused.size}`);
  for (const [rule, reason] of refused) console.log(`    refused ${rule}\n      ${reason}`);
  for (const e of parseErrors) console.log(`    parse error ${e}`);
  console.log(`  pipeline SQL run against the lake's empty tables: ${bound} ok, ${bindErrors.length} failed`);
  for (const e of bindErrors) console.log(`    ${e}`);
  console.log(
    `  matcher vs DuckDB: ${agreements}/${total} events agree over ${checked} rules (${matchedRules} rules with matching events; ${onTable} with list fields checked on their table)`,
  );
  for (const s of skipped) console.log(`    not checked ${s}`);
  for (const m of mismatches.slice(0, 40)) console.log(`    MISMATCH ${m}`);
  console.log(`  took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  conn.closeSync();
  if (agreements !== total || bindErrors.length > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
