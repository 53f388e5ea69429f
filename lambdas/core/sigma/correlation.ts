import type { Dialect } from './backends/dialect.js';
import { fieldExpr, renderCondition, textExpr } from './backends/sql.js';
import type { CompiledRule } from './compile.js';
import { listFieldError, SigmaError } from './errors.js';
import type { CompareOp, CorrelationRule } from './types.js';

const SYMBOL: Record<CompareOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' };

/**
 * A correlation as one query: the referenced rules' matches in a CTE (one SELECT per rule, so
 * rules may query different tables), then GROUP BY the group-by fields and a window of `timespan`
 * seconds, HAVING the correlation's condition. Windows are tumbling (aligned to the epoch), which
 * every dialect can express; a burst that straddles a window boundary is split between two windows.
 */
export function renderCorrelation(rule: CorrelationRule, members: CompiledRule[], d: Dialect): string {
  const q = d.quoteIdent;
  const codes = members.map((_, i) => String.fromCharCode(97 + i));
  const valueField = rule.condition?.field;
  const agg = aggregate(rule, codes, d);
  const names = groupColumns(rule, agg.name);
  const at = { file: rule.file, line: rule.line, field: 'correlation.group-by' };
  const selects = members.map((m, i) => {
    const ref = [m.rule.id, m.rule.name].filter((x): x is string => x !== undefined);
    const cols = [
      `${d.str(codes[i] as string)} AS ${q('sigma_rule')}`,
      `${d.column([m.timeColumn])} AS ${q('event_time')}`,
    ];
    rule.groupBy.forEach((g, i) => {
      const f = m.field(aliasFor(rule, g, ref));
      // An event with several targets would fall in several groups (or be counted once per element).
      if (f.access.kind === 'element') throw listFieldError(f, 'a correlation cannot group by it', at);
      cols.push(`${textExpr(f, d)} AS ${q(names[i] as string)}`);
    });
    if (valueField) {
      const f = m.field(aliasFor(rule, valueField, ref));
      if (f.access.kind === 'element')
        throw listFieldError(f, `a ${rule.type} correlation cannot take its value from it`, {
          ...at,
          field: 'correlation.condition.field',
        });
      const e = rule.type === 'value_count' ? textExpr(f, d) : fieldExpr(f, d);
      cols.push(`${e} AS ${q('sigma_value')}`);
    }
    return `  SELECT ${cols.join(', ')}\n  FROM ${tableName(m.table, d)}\n  WHERE ${renderCondition(m.node, d)}`;
  });
  const groups = names.map((n) => q(n));
  const time = q('event_time');
  if (rule.timespan > 0) groups.push(`FLOOR(${d.epochSeconds(time)} / ${rule.timespan}) * ${rule.timespan}`);
  const outCols = names.map((n) => q(n));
  if (rule.timespan > 0) outCols.push(`${groups[groups.length - 1]} AS ${q('window_start')}`);
  outCols.push(
    `MIN(${time}) AS ${q('first_seen')}`,
    `MAX(${time}) AS ${q('last_seen')}`,
    `${agg.value} AS ${q(agg.name)}`,
  );
  return [
    `WITH ${q('matches')} AS (\n${selects.join('\n  UNION ALL\n')}\n)`,
    `SELECT ${outCols.join(', ')}`,
    `FROM ${q('matches')}`,
    groups.length > 0 ? `GROUP BY ${groups.join(', ')}` : '',
    `HAVING ${agg.having}`,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** Columns the query names itself; a group-by column may not take one of these names. */
const OWN_COLUMNS = ['sigma_rule', 'event_time', 'sigma_value', 'window_start', 'first_seen', 'last_seen'];

/**
 * The result column of each group-by field: the field's name in lower case, in every dialect.
 * Athena (Trino) returns result column names in lower case whatever the query spells, DuckDB keeps
 * the alias as written; lower case at the source gives rows, evidence and alert ids that are the
 * same in both runtimes.
 */
function groupColumns(rule: CorrelationRule, aggName: string): string[] {
  const names = rule.groupBy.map((g) => g.toLowerCase());
  const at = { file: rule.file, line: rule.line, field: 'correlation.group-by' };
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first !== i) {
      throw new SigmaError(
        `group-by fields ${rule.groupBy[first]} and ${rule.groupBy[i]} would both be result column ${name} (result columns are lower case)`,
        at,
      );
    }
    if ([...OWN_COLUMNS, aggName].includes(name))
      throw new SigmaError(
        `group-by field ${rule.groupBy[i]} clashes with the query's own column ${name}`,
        at,
      );
  });
  return names;
}

function aliasFor(rule: CorrelationRule, field: string, refs: string[]): string {
  const alias = rule.aliases[field];
  if (!alias) return field;
  for (const r of refs) if (alias[r] !== undefined) return alias[r] as string;
  return field;
}

function tableName(table: string, d: Dialect): string {
  return table
    .split('.')
    .map((p) => d.quoteIdent(p))
    .join('.');
}

function aggregate(
  rule: CorrelationRule,
  codes: string[],
  d: Dialect,
): { name: string; value: string; having: string } {
  const cond = rule.condition;
  const cmp = (e: string) => (cond ? `${e} ${SYMBOL[cond.op]} ${d.num(cond.value)}` : undefined);
  const value = d.quoteIdent('sigma_value');
  switch (rule.type) {
    case 'event_count':
      return { name: 'event_count', value: 'COUNT(*)', having: cmp('COUNT(*)') as string };
    case 'value_count':
      return {
        name: 'value_count',
        value: `COUNT(DISTINCT ${value})`,
        having: cmp(`COUNT(DISTINCT ${value})`) as string,
      };
    case 'value_sum':
    case 'value_avg': {
      const fn = rule.type === 'value_sum' ? 'SUM' : 'AVG';
      const e = `${fn}(${d.tryDouble(d.text(value))})`;
      return { name: rule.type, value: e, having: cmp(e) as string };
    }
    case 'temporal':
    case 'temporal_ordered': {
      const distinct = `COUNT(DISTINCT ${d.quoteIdent('sigma_rule')})`;
      // Without a condition, every referenced rule must have matched in the window.
      let having = cmp(distinct) ?? `${distinct} = ${codes.length}`;
      if (rule.type === 'temporal_ordered') {
        // The rules' codes in time order contain a, b, c... as a subsequence: they fired in order.
        const ordered = d.orderedCodes(d.quoteIdent('sigma_rule'), d.quoteIdent('event_time'));
        having += ` AND ${ordered} LIKE ${d.str(`%${codes.join('%')}%`)}`;
      }
      return { name: 'rules_matched', value: distinct, having };
    }
  }
}

export function checkCorrelationMembers(rule: CorrelationRule, found: (ref: string) => unknown): void {
  for (const ref of rule.rules) {
    if (found(ref) === undefined) {
      throw new SigmaError(`correlation refers to rule '${ref}', which is not among the rules given`, {
        file: rule.file,
        line: rule.line,
        field: 'correlation.rules',
      });
    }
  }
}
