import type { Dialect, Filter, Intent, Term } from './intent.js';
import { EXPRS } from './vocabulary.js';
import { sqlLiteral } from './words.js';

/** Rows a listing returns when the question names no number. */
export const LIST_ROWS = 100;

const timestamp = (isoText: string) => `TIMESTAMP '${isoText.slice(0, 19).replace('T', ' ')}'`;
const day = (isoText: string) => `'${isoText.slice(0, 10)}'`;

function term(t: Term, d: Dialect): string {
  const expr = EXPRS[t.expr].sql(d);
  const values = t.values ?? [];
  switch (t.op) {
    case 'IS NULL':
    case 'IS NOT NULL':
      return `${expr} ${t.op}`;
    case 'BOOL':
      return `${expr} = ${values[0] === 'true' ? 'true' : 'false'}`;
    case 'IN':
      return values.length === 0 ? 'false' : `${expr} IN (${values.map(sqlLiteral).join(', ')})`;
    default:
      return `${expr} ${t.op} ${sqlLiteral(values[0] ?? '')}`;
  }
}

function filterSql(f: Filter, d: Dialect): string {
  const parts = f.terms.map((t) => term(t, d));
  if (parts.length === 1) return parts[0] ?? 'true';
  return `(${parts.join(f.any ? ' OR ' : ' AND ')})`;
}

/** WHERE conditions: the time range on both ts and the dt partition (for pruning), then the filters. */
export function whereSql(intent: Intent, d: Dialect, extra: Filter[] = []): string[] {
  const out: string[] = [];
  if (intent.time) {
    out.push(`ts >= ${timestamp(intent.time.from)}`, `dt >= ${day(intent.time.from)}`);
    if (intent.time.to) out.push(`ts < ${timestamp(intent.time.to)}`, `dt <= ${day(intent.time.to)}`);
  }
  for (const f of [...intent.filters, ...extra]) out.push(filterSql(f, d));
  return out;
}

const LIST_COLUMNS = ['ts', 'eventname', 'eventsource', 'user', 'ip', 'region', 'errorcode'] as const;

/** The SELECT for an intent; `extra` holds resolved filters (the geo address list). */
export function renderSql(intent: Intent, d: Dialect, extra: Filter[] = []): string {
  const where = whereSql(intent, d, extra);
  const whereClause = where.length ? `\nWHERE ${where.join('\n  AND ')}` : '';
  const dims = intent.dims.map((name) => EXPRS[name]);
  const dimSelect = dims.map((e) => `${e.sql(d)} AS ${e.alias}`);
  const groupBy = dims.map((_, i) => String(i + 1)).join(', ');
  const from = '\nFROM cloudtrail';
  switch (intent.shape) {
    case 'count':
      return `SELECT count(*) AS events${from}${whereClause}`;
    case 'count_distinct': {
      const e = dims[0] ?? EXPRS.user;
      return `SELECT count(DISTINCT ${e.sql(d)}) AS distinct_${e.alias}${from}${whereClause}`;
    }
    case 'distinct':
      return `SELECT DISTINCT ${dimSelect.join(', ')}${from}${whereClause}\nORDER BY ${groupBy}`;
    case 'last':
    case 'first': {
      const [fn, alias] = intent.shape === 'last' ? ['max', 'last_seen'] : ['min', 'first_seen'];
      if (dims.length === 0) return `SELECT ${fn}(ts) AS ${alias}${from}${whereClause}`;
      return `SELECT ${dimSelect.join(', ')}, ${fn}(ts) AS ${alias}${from}${whereClause}\nGROUP BY ${groupBy}\nORDER BY ${alias} ${intent.shape === 'last' ? 'DESC' : 'ASC'}`;
    }
    case 'group': {
      const limit = intent.top ? `\nLIMIT ${intent.top}` : '';
      return `SELECT ${dimSelect.join(', ')}, count(*) AS events${from}${whereClause}\nGROUP BY ${groupBy}\nORDER BY events DESC, ${groupBy}${limit}`;
    }
    default: {
      const cols = LIST_COLUMNS.map((c) =>
        c === 'ts' || c === 'eventname' || c === 'eventsource' || c === 'errorcode'
          ? c
          : `${EXPRS[c].sql(d)} AS ${EXPRS[c].alias}`,
      );
      return `SELECT ${cols.join(', ')}${from}${whereClause}\nORDER BY ts DESC\nLIMIT ${intent.top ?? LIST_ROWS}`;
    }
  }
}

/** Plain words for the answer's explanation. */
export function describe(intent: Intent): string {
  const what: Record<Intent['shape'], string> = {
    list: `Lists the most recent matching CloudTrail events (up to ${intent.top ?? LIST_ROWS})`,
    count: 'Counts matching CloudTrail events',
    count_distinct: `Counts distinct ${intent.dims.map((n) => EXPRS[n].label).join(', ')} among matching events`,
    distinct: `Lists the distinct ${intent.dims.map((n) => EXPRS[n].label).join(', ')} of matching events`,
    last: 'Finds when matching events last happened',
    first: 'Finds when matching events first happened',
    group: `Counts matching events per ${intent.dims.map((n) => EXPRS[n].label).join(' and ')}${intent.top ? `, top ${intent.top}` : ''}`,
  };
  const filters = intent.filters.map((f) => f.label);
  if (intent.geo)
    filters.push(`source addresses ${intent.geo.outside ? 'outside' : 'in'} ${intent.geo.name}`);
  const where = filters.length ? ` for ${filters.join('; ')}` : '';
  const when = intent.time ? `, ${intent.time.label}` : '';
  return `${what[intent.shape]}${where}${when}.`;
}
