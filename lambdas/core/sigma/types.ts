/** The typed rule model the parser produces: what the YAML says, before any meaning is given to it. */

export interface RelatedRule {
  id: string;
  type: string;
}

export interface RuleMeta {
  title: string;
  id?: string;
  /** `name`: how correlation rules and filters refer to a rule besides its id. */
  name?: string;
  status?: string;
  level?: string;
  description?: string;
  author?: string;
  date?: string;
  modified?: string;
  license?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  related: RelatedRule[];
  fields: string[];
}

export interface LogSource {
  product?: string;
  service?: string;
  category?: string;
  definition?: string;
}

/** A YAML scalar as a Sigma value: the CORE schema gives strings, numbers, booleans and null. */
export type SigmaScalar = string | number | boolean | null;

/** One `field|mod|mod: value(s)` entry, or one keyword (field undefined). */
export interface DetectionItem {
  field?: string;
  modifiers: string[];
  values: SigmaScalar[];
  /** Where it is, for errors: the dotted YAML path and the 1-based line. */
  path: string;
  line?: number;
}

/** A search identifier's value: a map is an AND of its items, a list an OR of its elements. */
export type SelectionDef = { kind: 'and'; items: SelectionPart[] } | { kind: 'or'; items: SelectionPart[] };
export type SelectionPart = DetectionItem | SelectionDef;

export type ConditionNode =
  | { kind: 'and' | 'or'; children: ConditionNode[] }
  | { kind: 'not'; child: ConditionNode }
  | { kind: 'ref'; name: string }
  /** `1 of x*`, `all of them`: pattern is 'them' or a name with `*` wildcards. */
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string };

/** The deprecated `| count(field) by group > n` suffix of Sigma 1 conditions. */
export interface LegacyAggregation {
  function: 'count';
  field?: string;
  groupBy?: string;
  op: CompareOp;
  value: number;
}

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface Detection {
  selections: Map<string, SelectionDef>;
  condition: ConditionNode;
  conditionText: string;
  /** 1-based line of `condition`, for errors. */
  conditionLine?: number;
  aggregation?: LegacyAggregation;
  /** `timeframe` (Sigma 1), in seconds. */
  timeframe?: number;
}

export interface DetectionRule extends RuleMeta {
  kind: 'detection';
  logsource: LogSource;
  detection: Detection;
  file?: string;
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'value_sum'
  | 'value_avg'
  | 'temporal'
  | 'temporal_ordered';

export interface CorrelationCondition {
  op: CompareOp;
  value: number;
  field?: string;
}

export interface CorrelationRule extends RuleMeta {
  kind: 'correlation';
  type: CorrelationType;
  rules: string[];
  groupBy: string[];
  /** Seconds. */
  timespan: number;
  condition?: CorrelationCondition;
  /** alias -> rule id or name -> field of that rule. */
  aliases: Record<string, Record<string, string>>;
  file?: string;
  line?: number;
}

/** A Sigma filter: extra conditions ANDed to the named rules' conditions. */
export interface FilterRule extends RuleMeta {
  kind: 'filter';
  logsource: LogSource;
  rules: string[];
  detection: Detection;
  file?: string;
}

export type SigmaRule = DetectionRule | CorrelationRule | FilterRule;
