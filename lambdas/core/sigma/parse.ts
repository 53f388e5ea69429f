import { z } from 'zod';
import { parseCondition } from './condition.js';
import { SigmaError } from './errors.js';
import type {
  CompareOp,
  CorrelationRule,
  CorrelationType,
  Detection,
  DetectionItem,
  DetectionRule,
  FilterRule,
  RuleMeta,
  SelectionDef,
  SelectionPart,
  SigmaRule,
  SigmaScalar,
} from './types.js';
import { loadYamlDocuments, type YamlDocument } from './yaml.js';

const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? [v] : v));
// Dates are written unquoted (2023-06-16) and sometimes 2023/06/16; the CORE schema keeps both strings.
const text = z.union([z.string(), z.number()]).transform(String);

const metaSchema = z.object({
  title: z.string().min(1),
  id: text.optional(),
  name: z.string().optional(),
  status: z.enum(['stable', 'test', 'experimental', 'deprecated', 'unsupported']).optional(),
  level: z.enum(['informational', 'low', 'medium', 'high', 'critical']).optional(),
  description: z.string().optional(),
  author: z.string().optional(),
  date: text.optional(),
  modified: text.optional(),
  license: z.string().optional(),
  tags: z.array(z.string()).default([]),
  references: stringList.default([]),
  falsepositives: stringList.default([]),
  fields: z.array(z.string()).default([]),
  related: z
    .array(
      z.object({ id: z.string(), type: z.enum(['derived', 'obsolete', 'merged', 'renamed', 'similar']) }),
    )
    .default([]),
});

const logsourceSchema = z.object({
  product: z.string().optional(),
  service: z.string().optional(),
  category: z.string().optional(),
  definition: z.string().optional(),
});

const compareKeys = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
const correlationSchema = z.object({
  type: z.enum([
    'event_count',
    'value_count',
    'value_sum',
    'value_avg',
    'value_percentile',
    'temporal',
    'temporal_ordered',
  ]),
  rules: stringList,
  'group-by': stringList.optional(),
  timespan: z.string(),
  condition: z
    .object({
      field: z.string().optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional(),
      eq: z.number().optional(),
      neq: z.number().optional(),
    })
    .strict()
    .optional(),
  aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  generate: z.boolean().optional(),
});

interface Ctx {
  doc: YamlDocument;
  file?: string;
}

function fail(ctx: Ctx, path: readonly (string | number)[], reason: string): never {
  throw new SigmaError(reason, { file: ctx.file, line: ctx.doc.lineOf(path), field: path.join('.') });
}

function zodFail(ctx: Ctx, base: readonly (string | number)[], err: z.ZodError): never {
  const issue = err.issues[0];
  const path = [...base, ...(issue?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p))];
  fail(ctx, path, issue?.message ?? 'invalid');
}

/** Parses every document of a YAML text into Sigma rules. Throws SigmaError naming file, line, field. */
export function parseRules(yamlText: string, file?: string): SigmaRule[] {
  return loadYamlDocuments(yamlText, file).map((doc) => parseDocument({ doc, file }));
}

function parseDocument(ctx: Ctx): SigmaRule {
  const raw = ctx.doc.value;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SigmaError('a rule must be a YAML mapping', { file: ctx.file, line: ctx.doc.line });
  }
  const obj = raw as Record<string, unknown>;
  if ('action' in obj) fail(ctx, ['action'], "Sigma 1 rule collections ('action: global') are not supported");
  const metaResult = metaSchema.safeParse(obj);
  if (!metaResult.success) zodFail(ctx, [], metaResult.error);
  const meta: RuleMeta = metaResult.data;
  if ('correlation' in obj) return parseCorrelation(ctx, meta, obj.correlation);
  const ls = logsourceSchema.safeParse(obj.logsource ?? {});
  if (!ls.success) zodFail(ctx, ['logsource'], ls.error);
  if ('filter' in obj) {
    const f = obj.filter;
    if (f === null || typeof f !== 'object' || Array.isArray(f))
      fail(ctx, ['filter'], 'filter must be a mapping');
    const { rules, ...rest } = f as Record<string, unknown>;
    const rulesResult = stringList.safeParse(rules);
    if (!rulesResult.success) fail(ctx, ['filter', 'rules'], 'filter.rules must name at least one rule');
    const rule: FilterRule = {
      kind: 'filter',
      ...meta,
      logsource: ls.data,
      rules: rulesResult.data,
      detection: parseDetection(ctx, ['filter'], rest),
      file: ctx.file,
    };
    return rule;
  }
  if (!('detection' in obj)) fail(ctx, [], "a rule needs 'detection', 'correlation' or 'filter'");
  if (obj.logsource === undefined) fail(ctx, [], "a detection rule needs 'logsource'");
  const det = obj.detection;
  if (det === null || typeof det !== 'object' || Array.isArray(det))
    fail(ctx, ['detection'], 'must be a mapping');
  const rule: DetectionRule = {
    kind: 'detection',
    ...meta,
    logsource: ls.data,
    detection: parseDetection(ctx, ['detection'], det as Record<string, unknown>),
    file: ctx.file,
  };
  return rule;
}

function parseDetection(ctx: Ctx, base: string[], det: Record<string, unknown>): Detection {
  const { condition, timeframe, ...searches } = det;
  let conditionText: string;
  if (typeof condition === 'string') conditionText = condition;
  else if (
    Array.isArray(condition) &&
    condition.every((c) => typeof c === 'string') &&
    condition.length > 0
  ) {
    // Sigma 1 allowed a list of conditions meaning any of them.
    conditionText = condition.map((c) => `(${c})`).join(' or ');
  } else fail(ctx, [...base, 'condition'], 'condition must be a string');
  const selections = new Map<string, SelectionDef>();
  for (const [name, value] of Object.entries(searches)) {
    selections.set(name, parseSelection(ctx, [...base, name], value));
  }
  const conditionLine = ctx.doc.lineOf([...base, 'condition']);
  let parsed: ReturnType<typeof parseCondition>;
  try {
    parsed = parseCondition(conditionText);
  } catch (err) {
    if (err instanceof SigmaError) {
      throw err.at({ file: ctx.file, line: conditionLine, field: [...base, 'condition'].join('.') });
    }
    throw err;
  }
  const detection: Detection = { selections, condition: parsed.tree, conditionText, conditionLine };
  if (parsed.aggregation) detection.aggregation = parsed.aggregation;
  if (timeframe !== undefined) {
    if (typeof timeframe !== 'string')
      fail(ctx, [...base, 'timeframe'], 'timeframe must be a duration such as 5m');
    detection.timeframe = parseDuration(timeframe, () =>
      fail(ctx, [...base, 'timeframe'], `bad duration '${timeframe}'`),
    );
  }
  return detection;
}

function isScalar(v: unknown): v is SigmaScalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function parseSelection(ctx: Ctx, path: (string | number)[], value: unknown): SelectionDef {
  if (Array.isArray(value)) {
    if (value.length === 0) fail(ctx, path, 'a search identifier cannot be an empty list');
    const items: SelectionPart[] = value.map((v, i) => {
      if (isScalar(v)) return keyword(ctx, [...path, i], v);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return parseMap(ctx, [...path, i], v);
      return fail(ctx, [...path, i], 'list elements must be values or field maps');
    });
    return { kind: 'or', items };
  }
  if (value !== null && typeof value === 'object')
    return parseMap(ctx, path, value as Record<string, unknown>);
  if (isScalar(value)) return { kind: 'or', items: [keyword(ctx, path, value)] };
  return fail(ctx, path, 'a search identifier must be a map or a list');
}

function keyword(ctx: Ctx, path: (string | number)[], v: SigmaScalar): DetectionItem {
  return { modifiers: [], values: [v], path: path.join('.'), line: ctx.doc.lineOf(path) };
}

function parseMap(ctx: Ctx, path: (string | number)[], map: object): SelectionDef {
  const items: SelectionPart[] = [];
  const entries = Object.entries(map);
  if (entries.length === 0) fail(ctx, path, 'a field map cannot be empty');
  for (const [key, raw] of entries) {
    const [field, ...modifiers] = key.split('|');
    const itemPath = [...path, key];
    let values: SigmaScalar[];
    if (Array.isArray(raw)) {
      values = raw.map((v, i) => (isScalar(v) ? v : fail(ctx, [...itemPath, i], 'values must be scalars')));
      if (values.length === 0) fail(ctx, itemPath, 'a value list cannot be empty');
    } else if (isScalar(raw)) values = [raw];
    else fail(ctx, itemPath, 'a field value must be a scalar or a list of scalars');
    const item: DetectionItem = {
      modifiers: modifiers.map((m) => m.toLowerCase()),
      values,
      path: itemPath.join('.'),
      line: ctx.doc.lineOf(itemPath),
    };
    if (field !== '') item.field = field;
    items.push(item);
  }
  return { kind: 'and', items };
}

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  M: 2592000,
  y: 31536000,
};

export function parseDuration(text: string, onError: () => never): number {
  const m = /^(\d+)([smhdwMy])$/.exec(text.trim());
  if (!m) return onError();
  return Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
}

function parseCorrelation(ctx: Ctx, meta: RuleMeta, raw: unknown): CorrelationRule {
  const r = correlationSchema.safeParse(raw);
  if (!r.success) zodFail(ctx, ['correlation'], r.error);
  const c = r.data;
  if (c.type === 'value_percentile') {
    fail(
      ctx,
      ['correlation', 'type'],
      'value_percentile correlations are not supported (no portable SQL form)',
    );
  }
  const type = c.type as CorrelationType;
  const timespan = parseDuration(c.timespan, () =>
    fail(ctx, ['correlation', 'timespan'], `bad duration '${c.timespan}'`),
  );
  const rule: CorrelationRule = {
    kind: 'correlation',
    ...meta,
    type,
    rules: c.rules,
    groupBy: c['group-by'] ?? [],
    timespan,
    aliases: c.aliases ?? {},
    file: ctx.file,
    line: ctx.doc.line,
  };
  const needsCondition = type !== 'temporal' && type !== 'temporal_ordered';
  if (c.condition) {
    const ops = compareKeys.filter((k) => c.condition?.[k] !== undefined);
    if (ops.length !== 1)
      fail(ctx, ['correlation', 'condition'], 'condition needs exactly one of gt, gte, lt, lte, eq, neq');
    const op = ops[0] as CompareOp;
    rule.condition = { op, value: c.condition[op] as number };
    if (c.condition.field !== undefined) rule.condition.field = c.condition.field;
    if (type.startsWith('value_') && !c.condition.field)
      fail(ctx, ['correlation', 'condition'], `${type} needs condition.field`);
  } else if (needsCondition) fail(ctx, ['correlation'], `${type} needs a condition`);
  return rule;
}
