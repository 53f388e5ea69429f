import { detectionToNode } from './build.js';
import { SigmaError } from './errors.js';
import { and, type FieldRef, type Node, rawField } from './ir.js';
import { pipelineFor } from './pipelines/index.js';
import type { Pipeline } from './pipelines/types.js';
import { mapFields, resolvePlaceholders } from './resolve.js';
import type { DetectionRule, FilterRule, LogSource } from './types.js';

export interface CompileOptions {
  /** 'auto' (default): the registered pipeline for the rule's logsource; false: field names as they are. */
  pipeline?: 'auto' | false | Pipeline;
  /** The table to query; required without a pipeline. */
  table?: string;
  /** Values for `%name%` placeholders of the `expand` modifier. */
  placeholders?: Record<string, readonly string[]>;
  /** Without a pipeline: the fields keywords search. */
  keywordFields?: string[];
  /** Without a pipeline: the event-time column for correlation windows. @default 'ts' */
  timeColumn?: string;
}

/** A detection rule ready for a backend: its tree over column expressions, and where it runs. */
export interface CompiledRule {
  rule: DetectionRule;
  node: Node;
  table: string;
  timeColumn: string;
  field(name: string): FieldRef;
}

export function resolvePipeline(logsource: LogSource, opts: CompileOptions): Pipeline | undefined {
  if (opts.pipeline === false) return undefined;
  if (opts.pipeline && opts.pipeline !== 'auto') return opts.pipeline;
  const p = pipelineFor(logsource);
  if (!p) {
    const ls = Object.entries(logsource)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    throw new SigmaError(
      `no pipeline for logsource ${ls || '(empty)'}: convert without a pipeline and name the table`,
      {
        field: 'logsource',
      },
    );
  }
  return p;
}

/** Filters whose `rules` name this rule (by id or name) and whose logsource does not contradict it. */
export function filtersFor(rule: DetectionRule, filters: readonly FilterRule[]): FilterRule[] {
  return filters.filter(
    (f) =>
      f.rules.some((r) => r === rule.id || r === rule.name) &&
      (['product', 'service', 'category'] as const).every(
        (k) => f.logsource[k] === undefined || f.logsource[k] === rule.logsource[k],
      ),
  );
}

export function compileDetection(
  rule: DetectionRule,
  opts: CompileOptions,
  filters: readonly FilterRule[] = [],
): CompiledRule {
  const where = { file: rule.file };
  try {
    const pipeline = resolvePipeline(rule.logsource, opts);
    let node = detectionToNode(rule.detection, rule.file);
    // A filter adds its condition to the rule's: the rule matches only where the filter lets it.
    const extra = filtersFor(rule, filters).map((f) => detectionToNode(f.detection, f.file));
    node = and([node, ...extra]);
    node = resolvePlaceholders(node, opts.placeholders);
    const table = opts.table ?? pipeline?.table;
    if (!table) throw new SigmaError('no table: without a pipeline the table must be named');
    const field = pipeline ? (n: string) => pipeline.field(n) : rawField;
    const keywordFields = pipeline ? pipeline.keywordFields() : opts.keywordFields?.map((n) => rawField(n));
    node = mapFields(node, field, keywordFields);
    return { rule, node, table, timeColumn: pipeline?.timeColumn ?? opts.timeColumn ?? 'ts', field };
  } catch (err) {
    throw err instanceof SigmaError ? err.at(where) : err;
  }
}
