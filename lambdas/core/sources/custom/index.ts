/**
 * Custom JSON sources: SourceModule and TableSchema objects built from a validated sources file, so
 * an application log is added by declaring it (name, key patterns, timestamp, id, columns) rather
 * than by writing a module. The adapters read the file; this module never touches storage.
 */
import { conform } from '../../schema/conform.js';
import { COMMON_COLUMNS, type ColumnDef, PARTITION_COLUMNS, type TableSchema } from '../../schema/types.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import {
  type CustomColumnConfig,
  type CustomSourceConfig,
  CustomSourceError,
  fieldPath,
  parseSourcesFile,
} from './config.js';
import { inferColumns } from './infer.js';
import { asRecordError, contentId, getPath, isObject, type JsonRecord, tableRow, text } from './native.js';
import { timeParser } from './timestamp.js';

export type { CustomSourceConfig } from './config.js';
export { CustomSourceError, parseSourcesFile } from './config.js';
export { sampleRecords } from './infer.js';

/** What no column reads, as JSON text: nothing in a record is dropped from the table. */
const EXTRA = 'extra';
const RESERVED = new Set([...COMMON_COLUMNS.map((c) => c.name), ...PARTITION_COLUMNS, EXTRA]);

export interface CustomSources {
  sources: SourceModule[];
  tables: TableSchema[];
  /**
   * The declarations as built: an `infer: true` source's inferred columns written out as `columns`
   * (no `infer`, no `sample`). Valid input to this module again, and building them again gives the
   * same tables, which is how the CDK app hands a synth-time inference to the functions (deployed.ts).
   */
  declarations: CustomSourceConfig[];
}

export interface BuildOptions {
  /** The sources file's name, for errors. */
  file: string;
  /** Tables that already exist (built-in and derived): a custom source may not take their names. */
  builtInTables: readonly string[];
  /** Example records for an `infer: true` source, read by the adapter from its `sample` file. */
  sample?: (source: CustomSourceConfig) => unknown[];
}

/** A path's value: an exact top-level key first (field names may contain dots), else the dotted walk. */
function lookup(record: JsonRecord, path: string): unknown {
  return Object.hasOwn(record, path) ? record[path] : getPath(record, path);
}

/** The record without the paths columns read (emptied objects dropped), or null when nothing is left. */
function unread(record: JsonRecord, paths: readonly string[]): string | null {
  const rest = structuredClone(record);
  for (const path of paths) {
    if (Object.hasOwn(rest, path)) {
      delete rest[path];
      continue;
    }
    const keys = path.split('.');
    const parents: JsonRecord[] = [];
    let node: unknown = rest;
    for (const key of keys.slice(0, -1)) {
      if (!isObject(node)) break;
      parents.push(node);
      node = node[Object.keys(node).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key];
    }
    const last = keys[keys.length - 1] as string;
    if (parents.length !== keys.length - 1 || !isObject(node)) continue;
    delete node[Object.keys(node).find((k) => k.toLowerCase() === last.toLowerCase()) ?? last];
    // Drop objects the deletion emptied, innermost first.
    for (let i = parents.length - 1; i >= 0; i--) {
      const parent = parents[i] as JsonRecord;
      const key = Object.keys(parent).find((k) => k.toLowerCase() === (keys[i] as string).toLowerCase());
      const child = key === undefined ? undefined : parent[key];
      if (key !== undefined && isObject(child) && Object.keys(child).length === 0) delete parent[key];
    }
  }
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : null;
}

function tableOf(config: CustomSourceConfig, columns: readonly CustomColumnConfig[]): TableSchema {
  const own: ColumnDef[] = columns.map((c) => ({
    name: c.name,
    type: c.type,
    description: c.description ?? `From the record's ${c.path ?? c.name}.`,
  }));
  own.push({
    name: EXTRA,
    type: 'json',
    description: 'The rest of the record, what no column reads, JSON text.',
  });
  return {
    name: config.name,
    description: config.description || `Custom JSON source ${config.name}, declared in the sources file.`,
    timeColumn: 'ts',
    columns: [...own, ...COMMON_COLUMNS],
  };
}

function moduleOf(
  config: CustomSourceConfig,
  table: TableSchema,
  columns: readonly CustomColumnConfig[],
): SourceModule {
  const parse = timeParser(config.timestamp.format);
  const patterns = config.key_patterns.map((p) => new RegExp(p));
  const paths = columns.map((c) => c.path ?? c.name);
  return {
    name: config.name,
    description: table.description,
    tables: [table],
    keyPatterns: patterns,
    // Application logs have no shape of their own to recognise: they are chosen by key pattern or --source.
    detect: () => false,
    unwrap(document) {
      if (!config.records_path || !isObject(document)) return undefined;
      const inner = getPath(document, config.records_path);
      return Array.isArray(inner) ? inner : undefined;
    },
    normalise(record, ctx): TableRow[] {
      if (!isObject(record)) throw new RecordError('record is not a JSON object');
      const rawTime = lookup(record, config.timestamp.field);
      if (rawTime === undefined || rawTime === null || rawTime === '') {
        throw new RecordError(`missing timestamp field ${config.timestamp.field}`);
      }
      let ts: Date;
      try {
        ts = parseTimestampField(parse, rawTime);
      } catch (err) {
        throw new RecordError(`${config.timestamp.field}: ${(err as Error).message}`);
      }
      let eventId: string;
      if (config.id_field) {
        const id = text(lookup(record, config.id_field));
        if (!id) throw new RecordError(`missing id field ${config.id_field}`);
        eventId = id;
      } else {
        eventId = contentId(`${config.name}-`, record);
      }
      const row: JsonRecord = {};
      for (const c of columns) {
        const path = c.path ?? c.name;
        row[c.name] = asRecordError(() => conform(lookup(record, path), c.type, path));
      }
      row[EXTRA] = unread(record, paths);
      return [tableRow(config.name, row, ts, eventId, ctx)];
    },
    // A user's application has no generator; `mantissa sample` writes nothing for it.
    sample: () => [],
  };
}

function parseTimestampField(parse: (v: unknown) => Date, value: unknown): Date {
  const date = parse(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${JSON.stringify(value)} is not a valid time`);
  return date;
}

/** Sources and tables from validated configs; throws CustomSourceError naming the file and field. */
export function buildCustomSources(
  configs: readonly CustomSourceConfig[],
  opts: BuildOptions,
): CustomSources {
  const taken = new Set(opts.builtInTables);
  const out: CustomSources = { sources: [], tables: [], declarations: [] };
  configs.forEach((config, i) => {
    const at = (...path: (string | number)[]) => fieldPath(['sources', i, ...path]);
    if (taken.has(config.name)) {
      const why = opts.builtInTables.includes(config.name) ? 'is a built-in table' : 'is declared twice';
      throw new CustomSourceError(opts.file, at('name'), `${JSON.stringify(config.name)} ${why}`);
    }
    taken.add(config.name);
    let columns: CustomColumnConfig[];
    if (config.columns) {
      columns = config.columns;
      const seen = new Set<string>();
      columns.forEach((c, j) => {
        if (RESERVED.has(c.name)) {
          throw new CustomSourceError(
            opts.file,
            at('columns', j, 'name'),
            `${c.name} is a column every table has; choose another name`,
          );
        }
        if (seen.has(c.name))
          throw new CustomSourceError(opts.file, at('columns', j, 'name'), `${c.name} is declared twice`);
        seen.add(c.name);
      });
    } else {
      const records = opts.sample?.(config) ?? [];
      columns = inferColumns(records, RESERVED);
      if (columns.length === 0) {
        throw new CustomSourceError(
          opts.file,
          at('sample'),
          `${config.sample}: no JSON object records to infer columns from`,
        );
      }
    }
    const table = tableOf(config, columns);
    out.tables.push(table);
    out.sources.push(moduleOf(config, table, columns));
    const { infer: _infer, sample: _sample, ...declared } = config;
    // A path equal to the name is the default: left out, it saves room in the functions' environment.
    const written = columns.map(({ path, ...c }) =>
      path === undefined || path === c.name ? c : { ...c, path },
    );
    out.declarations.push({ ...declared, columns: written });
  });
  return out;
}

/** Parse, validate and build in one step. */
export function customSourcesFrom(doc: unknown, opts: BuildOptions): CustomSources {
  return buildCustomSources(parseSourcesFile(opts.file, doc), opts);
}
