import type { Severity } from '../alerts/model.js';
import {
  type CompiledRule,
  compileDetection,
  compileMatcher,
  convertRules,
  DIALECTS,
  type DialectName,
  type Matcher,
  parseRules,
  renderCondition,
  ruleKey,
  SigmaError,
  type SigmaRule,
} from '../sigma/index.js';
import { loadYamlDocuments } from '../sigma/yaml.js';
import { type AlertRule, DEFAULT_DEDUP_WINDOW_MS } from './rule.js';
import { parseDuration, RuleError } from './sql-rule.js';

/** A single-event Sigma rule: one condition over one table's rows. */
export interface SigmaEventRule extends AlertRule {
  kind: 'sigma-event';
  file: string;
  enabled: boolean;
  /** Evaluated at ingest by the in-memory matcher as well as by the scheduled fused scan. */
  realtime: boolean;
  compiled: CompiledRule;
  matcher: Matcher;
  sigmaId?: string;
}

/** A Sigma correlation (or Sigma 1 aggregation): one windowed query, run per cycle over its tables. */
export interface SigmaQueryRule extends AlertRule {
  kind: 'sigma-query';
  file: string;
  enabled: boolean;
  sql: string;
  tables: string[];
  /** How far before the new data the query reaches: the correlation's timespan. */
  lookbackMs: number;
  sigmaId?: string;
}

export interface SigmaRuleFile {
  /** Shown in errors. */
  file: string;
  /** Id of the file's first rule; further rules of the file get `#<sigma id or name>`. */
  id: string;
  text: string;
}

export interface CompiledSigmaRules {
  events: SigmaEventRule[];
  queries: SigmaQueryRule[];
  errors: RuleError[];
}

/** A Sigma compiler error as a rule error, naming the file once (`rules/x.yml: line 5 ...`). */
function sigmaFailure(file: string, err: SigmaError): RuleError {
  const detail = err.message.startsWith(file)
    ? err.message.slice(file.length).replace(/^:(\d+):?/, 'line $1')
    : err.message;
  return new RuleError(file, '', detail.trim());
}

const LEVELS: Record<string, Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** Mantissa's own attributes beside Sigma's (Sigma allows custom top-level attributes). */
interface Custom {
  enabled: boolean;
  realtime: boolean;
  dedupWindowMs?: number;
  threshold: number;
  dedupFields?: string[];
  generate: boolean;
}

function customOf(file: string, doc: Record<string, unknown>): Custom {
  const bad = (field: string, why: string) => new RuleError(file, field, why);
  const window = doc.deduplication_window;
  let dedupWindowMs: number | undefined;
  if (typeof window === 'number') {
    if (!Number.isInteger(window) || window < 1 || window > 86_400)
      throw bad('deduplication_window', 'seconds from 1 to 86400');
    dedupWindowMs = window * 1_000;
  } else if (typeof window === 'string') {
    try {
      dedupWindowMs = parseDuration(window);
    } catch {
      throw bad('deduplication_window', 'seconds, or a duration such as "5m", "1h"');
    }
  } else if (window !== undefined) throw bad('deduplication_window', 'seconds, or a duration');
  const threshold = doc.threshold ?? 1;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1)
    throw bad('threshold', 'an integer of at least 1');
  const fields = doc.dedup_fields;
  if (fields !== undefined && (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')))
    throw bad('dedup_fields', 'a list of field names');
  for (const key of ['enabled', 'realtime'] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== 'boolean') throw bad(key, 'true or false');
  }
  const correlation = doc.correlation as Record<string, unknown> | undefined;
  const out: Custom = {
    enabled: doc.enabled !== false && doc.status !== 'deprecated' && doc.status !== 'unsupported',
    realtime: doc.realtime !== false,
    threshold,
    generate: correlation?.generate === true,
  };
  if (dedupWindowMs !== undefined) out.dedupWindowMs = dedupWindowMs;
  if (fields) out.dedupFields = (fields as string[]).map((f) => f.toLowerCase());
  return out;
}

function alertRuleOf(rule: SigmaRule, id: string, custom: Custom): AlertRule & { sigmaId?: string } {
  const attack = rule.tags.filter((t) => /^attack\.t\d{4}(\.\d{3})?$/i.test(t));
  const tactic = rule.tags.find((t) => /^attack\.[a-z_-]+$/i.test(t) && !/^attack\.[gst]\d{4}/i.test(t));
  const out: AlertRule & { sigmaId?: string } = {
    id,
    name: rule.title,
    description: rule.description ?? '',
    severity: LEVELS[rule.level ?? 'medium'] ?? 'medium',
    category: tactic ? tactic.slice('attack.'.length).replaceAll('_', '-') : 'threat',
    mitreAttack: attack.map((t) => t.slice('attack.'.length).toUpperCase()),
    tags: rule.tags,
    dedupDefault: 'entities',
    dedupWindowMs: custom.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS,
    threshold: custom.threshold,
    matchIdentity: 'event',
  };
  if (custom.dedupFields) out.dedupFields = custom.dedupFields;
  if (rule.id) out.sigmaId = rule.id;
  return out;
}

/**
 * Compiles Sigma rule files for the engine's dialect. Correlations and filters resolve across all
 * files; a rule that does not parse, compile or render is reported with its file and left out.
 * Detection rules a correlation names run only as part of it, unless the correlation says
 * `generate: true` (Sigma's correlation semantics).
 */
export function compileSigmaRules(files: readonly SigmaRuleFile[], dialect: DialectName): CompiledSigmaRules {
  const out: CompiledSigmaRules = { events: [], queries: [], errors: [] };
  const entries: { rule: SigmaRule; id: string; file: string; custom: Custom }[] = [];
  for (const f of files) {
    try {
      const rules = parseRules(f.text, f.file);
      const docs = loadYamlDocuments(f.text, f.file).map((d) => (d.value ?? {}) as Record<string, unknown>);
      rules.forEach((rule, i) => {
        const id = i === 0 ? f.id : `${f.id}#${ruleKey(rule)}`;
        entries.push({ rule, id, file: f.file, custom: customOf(f.file, docs[i] ?? {}) });
      });
    } catch (err) {
      if (err instanceof SigmaError) out.errors.push(sigmaFailure(f.file, err));
      else if (err instanceof RuleError) out.errors.push(err);
      else throw err;
    }
  }
  const all = entries.map((e) => e.rule);
  const filters = all.filter((r) => r.kind === 'filter');
  const silenced = new Set<SigmaRule>();
  for (const { rule, custom } of entries) {
    if (rule.kind !== 'correlation' || custom.generate) continue;
    for (const ref of rule.rules) {
      const member = all.find((r) => r.id === ref || r.name === ref);
      if (member) silenced.add(member);
    }
  }
  const d = DIALECTS[dialect];
  for (const { rule, id, file, custom } of entries) {
    if (rule.kind === 'filter' || silenced.has(rule)) continue;
    try {
      const base = alertRuleOf(rule, id, custom);
      if (rule.kind === 'detection' && !rule.detection.aggregation) {
        const compiled = compileDetection(rule, {}, filters);
        renderCondition(compiled.node, d); // Refuses, at load, what the dialect cannot express.
        out.events.push({
          ...base,
          kind: 'sigma-event',
          file,
          enabled: custom.enabled,
          realtime: custom.realtime,
          compiled,
          matcher: compileMatcher(compiled.node),
        });
        continue;
      }
      const [converted] = convertRules([rule], { dialect, context: all });
      if (!converted || 'error' in converted) throw new SigmaError(converted?.error ?? 'no SQL');
      const members =
        rule.kind === 'correlation'
          ? rule.rules.map((ref) => all.find((r) => r.id === ref || r.name === ref))
          : [rule];
      const tables = [
        ...new Set(
          members.flatMap((m) =>
            m && m.kind === 'detection'
              ? [compileDetection({ ...m, detection: { ...m.detection, aggregation: undefined } }, {}).table]
              : [],
          ),
        ),
      ];
      const timespan = rule.kind === 'correlation' ? rule.timespan : (rule.detection.timeframe ?? 0);
      const groupBy =
        rule.kind === 'correlation'
          ? rule.groupBy
          : rule.detection.aggregation?.groupBy
            ? [rule.detection.aggregation.groupBy]
            : [];
      // A correlation's match is its group in its window: that is what identifies "the same thing".
      const query: SigmaQueryRule = {
        ...base,
        dedupFields: base.dedupFields ?? groupBy,
        dedupDefault: 'columns',
        matchIdentity: 'row',
        kind: 'sigma-query',
        file,
        enabled: custom.enabled,
        sql: converted.sql,
        tables,
        lookbackMs: timespan > 0 ? timespan * 1_000 : base.dedupWindowMs,
      };
      out.queries.push(query);
    } catch (err) {
      if (err instanceof SigmaError) out.errors.push(sigmaFailure(file, err));
      else throw err;
    }
  }
  return out;
}
