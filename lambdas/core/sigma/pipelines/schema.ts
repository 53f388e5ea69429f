import type { ColumnType, TableSchema } from '../../schema/types.js';
import { SigmaError } from '../errors.js';
import type { FieldRef, FieldType } from '../ir.js';
import type { LogSource } from '../types.js';
import type { Pipeline } from './types.js';

export interface SchemaPipelineOptions {
  name: string;
  schema: TableSchema;
  /** Logsource keys that must all match (case-insensitively) for the pipeline to apply. */
  logsource: LogSource;
  /** Sigma field names that are not simply the lower-cased column path, e.g. `EventTime` -> `eventtime`. */
  aliases?: Record<string, string>;
}

function scalarType(t: ColumnType): FieldType {
  if (typeof t !== 'string') return 'struct' in t ? 'struct' : 'list';
  if (t === 'bigint' || t === 'double') return 'number';
  return t;
}

/**
 * A pipeline derived from a table schema: a Sigma field's first dotted segment names a column
 * (matched case-insensitively, since columns are the source's field names lower-cased), further
 * segments walk struct fields (also lower-cased) and, once a JSON text column is reached, become
 * JSON keys with their original case (the JSON keeps the provider's spelling). A list on the way
 * makes the rest of the path apply to each of its elements (`target.alternateId`: the alternateid
 * of any target), and a list named as the whole field is tested element by element too.
 */
export function schemaPipeline(opts: SchemaPipelineOptions): Pipeline {
  const columns = new Map(opts.schema.columns.map((c) => [c.name.toLowerCase(), c]));
  const aliases = new Map(Object.entries(opts.aliases ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const cache = new Map<string, FieldRef>();

  const resolve = (sigma: string): FieldRef => {
    const target = aliases.get(sigma.toLowerCase()) ?? sigma;
    const [head, ...rest] = target.split('.');
    const col = columns.get((head ?? '').toLowerCase());
    if (!col)
      throw new SigmaError(`field '${sigma}' is not a column of table ${opts.schema.name}`, { field: sigma });
    const found: FieldRef = { sigma, ...reach(sigma, [col.name], col.type, rest, '') };
    if (found.type === 'struct') found.leaves = leavesOf(target, col.type, rest);
    return found;
  };

  /** Every scalar (or JSON) field under a struct, reached the way `resolve` reaches a field. */
  const leavesOf = (target: string, columnType: ColumnType, rest: string[]): FieldRef[] => {
    let type = columnType;
    for (const seg of rest) {
      while (typeof type !== 'string' && 'list' in type) type = type.list;
      if (typeof type === 'string') return [];
      const entry = Object.entries(type.struct).find(([k]) => k.toLowerCase() === seg.toLowerCase());
      if (!entry) return [];
      type = entry[1];
    }
    while (typeof type !== 'string' && 'list' in type) type = type.list;
    if (typeof type === 'string') return [];
    return Object.keys(type.struct).flatMap((field) => {
      const leaf = resolve(`${target}.${field}`);
      return leaf.type === 'struct' ? (leaf.leaves ?? []) : [leaf];
    });
  };

  /**
   * Walks `rest` from a value of type `type` found at `start`; `shown` is how messages name where the
   * walk began (`target[]` inside the elements of target), since `start` is relative to an element.
   */
  const reach = (
    sigma: string,
    start: string[],
    startType: ColumnType,
    rest: string[],
    shown: string,
  ): Pick<FieldRef, 'access' | 'type'> => {
    const path = [...start];
    const named = () => [shown, ...path].filter((x) => x !== '').join('.');
    let type = startType;
    let i = 0;
    for (; i < rest.length; i++) {
      const seg = rest[i] as string;
      const here = named();
      if (type === 'json') return { access: { kind: 'json', path, keys: rest.slice(i) }, type: 'json' };
      if (typeof type !== 'string' && 'list' in type) break;
      if (typeof type === 'string')
        throw new SigmaError(
          `field '${sigma}' cannot be reached in table ${opts.schema.name}: ${here} is a ${type}`,
          { field: sigma },
        );
      const entry = Object.entries(type.struct).find(([k]) => k.toLowerCase() === seg.toLowerCase());
      if (!entry) throw new SigmaError(`field '${sigma}': ${here} has no field '${seg}'`, { field: sigma });
      path.push(entry[0]);
      type = entry[1];
    }
    if (typeof type !== 'string' && 'list' in type) {
      const inner = reach(sigma, [], type.list, rest.slice(i), `${named()}[]`);
      return { access: { kind: 'element', path, element: inner.access }, type: inner.type };
    }
    return { access: { kind: 'column', path }, type: scalarType(type) };
  };

  // Keywords search the source's own text fields, not the bookkeeping columns every table has. Each
  // text leaf is reached the way a named field is, so a list's elements are searched too (Okta's
  // target[].alternateId, CloudTrail's resources[].ARN): a keyword in an element is not missed.
  const bookkeeping = new Set(['event_id', 'source_object']);
  const keywordFields: FieldRef[] = opts.schema.columns
    .filter((c) => !bookkeeping.has(c.name))
    .flatMap((c) => {
      const whole: FieldRef = { sigma: c.name, ...reach(c.name, [c.name], c.type, [], '') };
      return whole.type === 'struct' ? leavesOf(c.name, c.type, []) : [whole];
    })
    .filter((f) => f.type === 'string' || f.type === 'json');

  return {
    name: opts.name,
    table: opts.schema.name,
    timeColumn: opts.schema.timeColumn,
    appliesTo(ls) {
      return (['product', 'service', 'category'] as const).every(
        (k) => opts.logsource[k] === undefined || ls[k]?.toLowerCase() === opts.logsource[k]?.toLowerCase(),
      );
    },
    field(name) {
      let f = cache.get(name);
      if (!f) {
        f = resolve(name);
        cache.set(name, f);
      }
      return f;
    },
    keywordFields: () => keywordFields,
  };
}
