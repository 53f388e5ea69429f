import type { Dialect } from './backends/dialect.js';
import { DIALECTS, type DialectName } from './backends/index.js';
import { renderCondition } from './backends/sql.js';
import { type CompiledRule, type CompileOptions, compileDetection } from './compile.js';
import { checkCorrelationMembers, renderCorrelation } from './correlation.js';
import { SigmaError } from './errors.js';
import { compileMatcher, type Matcher } from './matcher.js';
import { parseRules } from './parse.js';
import type { CorrelationRule, DetectionRule, FilterRule, SigmaRule } from './types.js';

export interface ConvertOptions extends CompileOptions {
  dialect: DialectName;
  /** The file name errors name. */
  file?: string;
  /** Further rules that correlations and filters may refer to (by id or name). */
  context?: readonly SigmaRule[];
}

export type ConvertResult = { id: string; title: string; sql: string } | { id: string; error: string };

export function ruleKey(rule: SigmaRule): string {
  return rule.id ?? rule.name ?? rule.title;
}

function plainTable(table: string, d: Dialect): string {
  return table
    .split('.')
    .map((p) => (/^[a-z_][a-z0-9_]*$/.test(p) ? p : d.quoteIdent(p)))
    .join('.');
}

/** `SELECT * FROM <table> WHERE <condition>` for one compiled detection rule. */
export function detectionSql(compiled: CompiledRule, dialect: DialectName): string {
  const d = DIALECTS[dialect];
  return `SELECT * FROM ${plainTable(compiled.table, d)} WHERE ${renderCondition(compiled.node, d)}`;
}

/** Looks rules up by id and by name, as correlations and filters refer to them. */
class RuleIndex {
  private readonly byRef = new Map<string, SigmaRule>();
  readonly filters: FilterRule[] = [];
  constructor(rules: readonly SigmaRule[]) {
    for (const r of rules) {
      if (r.kind === 'filter') this.filters.push(r);
      for (const k of [r.id, r.name]) if (k !== undefined && !this.byRef.has(k)) this.byRef.set(k, r);
    }
  }
  get(ref: string): SigmaRule | undefined {
    return this.byRef.get(ref);
  }
}

function convertOne(rule: SigmaRule, index: RuleIndex, opts: ConvertOptions): string {
  const d = DIALECTS[opts.dialect];
  if (rule.kind === 'filter') {
    throw new SigmaError(`a filter has no query of its own; it narrows ${rule.rules.join(', ')}`, {
      file: rule.file,
    });
  }
  if (rule.kind === 'detection') {
    const agg = rule.detection.aggregation;
    if (!agg) return detectionSql(compileDetection(rule, opts, index.filters), opts.dialect);
    // Sigma 1's `| count() by x > n`: the event_count / value_count correlation it always meant.
    const plain: DetectionRule = { ...rule, detection: { ...rule.detection, aggregation: undefined } };
    const { kind: _kind, logsource: _ls, detection: _det, ...meta } = rule;
    const corr: CorrelationRule = {
      ...meta,
      kind: 'correlation',
      type: agg.field ? 'value_count' : 'event_count',
      rules: [ruleKey(rule)],
      groupBy: agg.groupBy ? [agg.groupBy] : [],
      timespan: rule.detection.timeframe ?? 0,
      condition: { op: agg.op, value: agg.value, ...(agg.field ? { field: agg.field } : {}) },
      aliases: {},
    };
    return renderCorrelation(corr, [compileDetection(plain, opts, index.filters)], d);
  }
  checkCorrelationMembers(rule, (ref) => index.get(ref));
  const members = rule.rules.map((ref) => {
    const m = index.get(ref) as SigmaRule;
    if (m.kind !== 'detection' || m.detection.aggregation) {
      throw new SigmaError(
        `correlation over '${ref}', which is a ${m.kind === 'detection' ? 'legacy aggregation' : m.kind} rule, is not supported`,
        {
          file: rule.file,
          line: rule.line,
          field: 'correlation.rules',
        },
      );
    }
    return compileDetection(m, opts, index.filters);
  });
  return renderCorrelation(rule, members, d);
}

/** Converts parsed rules; `context` supplies rules that correlations and filters name. */
export function convertRules(rules: readonly SigmaRule[], opts: ConvertOptions): ConvertResult[] {
  const index = new RuleIndex([...rules, ...(opts.context ?? [])]);
  return rules.map((rule) => {
    const id = ruleKey(rule);
    try {
      return { id, title: rule.title, sql: convertOne(rule, index, opts) };
    } catch (err) {
      if (err instanceof SigmaError) return { id, error: err.at({ file: rule.file ?? opts.file }).message };
      throw err;
    }
  });
}

/** Every document of a YAML text (a rule, or a correlation with the rules it refers to). */
export function convertCollection(yamlText: string, opts: ConvertOptions): ConvertResult[] {
  let rules: SigmaRule[];
  try {
    rules = parseRules(yamlText, opts.file);
  } catch (err) {
    if (err instanceof SigmaError) return [{ id: opts.file ?? '(rule)', error: err.message }];
    throw err;
  }
  return convertRules(rules, opts);
}

/** The first document of a YAML text as SQL; later documents serve as rules it may refer to. */
export function convertRule(yamlText: string, opts: ConvertOptions): ConvertResult {
  return convertCollection(yamlText, opts)[0] ?? { id: opts.file ?? '(rule)', error: 'no rule in the text' };
}

export interface RuleFile {
  path: string;
  text: string;
}

export type FolderResult = Record<string, { sql: string } | { error: string }>;

/**
 * Many files at once, keyed by rule id. Correlations and filters resolve across files; filters
 * produce no entry of their own. A file that does not parse is keyed by its path.
 */
export function convertFolder(files: readonly RuleFile[], opts: ConvertOptions): FolderResult {
  const out: FolderResult = {};
  const rules: SigmaRule[] = [];
  for (const f of files) {
    try {
      rules.push(...parseRules(f.text, f.path));
    } catch (err) {
      if (!(err instanceof SigmaError)) throw err;
      out[f.path] = { error: err.message };
    }
  }
  const converted = convertRules(
    rules.filter((r) => r.kind !== 'filter'),
    { ...opts, context: [...rules.filter((r) => r.kind === 'filter'), ...(opts.context ?? [])] },
  );
  for (const r of converted) out[r.id] = 'sql' in r ? { sql: r.sql } : { error: r.error };
  return out;
}

export type MatcherResult =
  | { id: string; title: string; table: string; match: Matcher }
  | { id: string; error: string };

/** In-memory matchers for single-event rules (correlations need windows, so they are refused). */
export function compileMatchers(
  rules: readonly SigmaRule[],
  opts: CompileOptions & { context?: readonly SigmaRule[] },
): MatcherResult[] {
  const index = new RuleIndex([...rules, ...(opts.context ?? [])]);
  return rules
    .filter((r) => r.kind !== 'filter')
    .map((rule) => {
      const id = ruleKey(rule);
      try {
        if (rule.kind !== 'detection' || rule.detection.aggregation) {
          throw new SigmaError(
            'only single-event rules run in the matcher; correlations run as scheduled queries',
          );
        }
        const compiled = compileDetection(rule, opts, index.filters);
        return { id, title: rule.title, table: compiled.table, match: compileMatcher(compiled.node) };
      } catch (err) {
        if (err instanceof SigmaError) return { id, error: err.at({ file: rule.file }).message };
        throw err;
      }
    });
}
