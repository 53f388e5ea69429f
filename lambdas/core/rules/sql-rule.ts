import { JSON_SCHEMA, load } from 'js-yaml';
import { z } from 'zod';

const duration = z
  .string()
  .regex(/^\d+\s*[smhd]$/, 'a duration such as "5m", "1h" or "7d"')
  .transform((text) => parseDuration(text));

/** The rule format of Mantissa Log's getting-started guide: a SQL query with a threshold. */
const SqlRuleSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  enabled: z.boolean().default(true),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  category: z.string().min(1).default('threat'),
  query: z.string().min(1),
  threshold: z
    .strictObject({
      /**
       * Matano's alert `threshold`: how many matches (result rows) with the same dedup values must
       * occur within the deduplication window before an alert is raised; counted across cycles.
       */
      count: z.number().int().min(1).default(1),
      /** How far back of the newest data the query's tables reach, and how long matches merge into one alert. */
      window: duration.default(3_600_000),
    })
    .default({ count: 1, window: 3_600_000 }),
  /**
   * Matano's `deduplication_window`: matches with the same dedup values within it merge into one
   * alert. Seconds (as Matano writes it, at most 86400) or a duration; default `threshold.window`.
   */
  deduplication_window: z
    .union([
      z
        .number()
        .int()
        .min(1)
        .max(86_400)
        .transform((s) => s * 1_000),
      duration,
    ])
    .optional(),
  /** Result columns whose values identify "the same thing" for deduplication (default: every text column). */
  dedup_fields: z.array(z.string()).optional(),
  metadata: z
    .strictObject({
      mitre_attack: z.array(z.string()).default([]),
      tags: z.array(z.string()).default([]),
      references: z.array(z.string()).default([]),
      false_positives: z.array(z.string()).default([]),
    })
    .default({ mitre_attack: [], tags: [], references: [], false_positives: [] }),
});

export type SqlRuleBody = z.infer<typeof SqlRuleSchema>;

export interface SqlRule extends SqlRuleBody {
  /** Stable id: the file's path under the rules folder without extension, e.g. `sql/cloudtrail/root-account-use`. */
  id: string;
  file: string;
}

/** A rule file that could not be loaded, with the file and field at fault. */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Parses and validates one SQL rule file; throws RuleError naming the file and field. */
export function parseSqlRule(file: string, id: string, text: string): SqlRule {
  let doc: unknown;
  try {
    doc = load(text, { filename: file, schema: JSON_SCHEMA });
  } catch (err) {
    throw new RuleError(file, '', `invalid YAML: ${(err as Error).message}`);
  }
  const parsed = SqlRuleSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      throw new RuleError(file, [...issue.path, issue.keys[0]].join('.'), 'unknown field');
    }
    throw new RuleError(file, issue?.path.join('.') ?? '', issue?.message ?? 'invalid rule');
  }
  return { ...parsed.data, id, file };
}
