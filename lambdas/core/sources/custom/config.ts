/**
 * The sources file (`$MANTISSA_HOME/sources.yaml` locally): application logs declared without code.
 * Validated with zod; every error names the file and the field
 * (`sources.yaml: sources[1].timestamp.format: ...`).
 */
import { z } from 'zod';
import type { ColumnType } from '../../schema/types.js';
import { timeParser } from './timestamp.js';

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _, starting with a letter (at most 63)');

const scalar = z.enum(['string', 'bigint', 'double', 'boolean', 'timestamp', 'json']);
/** The lake's type language as YAML: `string`, `{list: string}`, `{struct: {name: string, port: bigint}}`. */
const columnType: z.ZodType<ColumnType> = z.lazy(() =>
  z.union([
    scalar,
    z.strictObject({ list: columnType }),
    z.strictObject({ struct: z.record(identifier, columnType) }),
  ]),
);

const columnSchema = z.strictObject({
  name: identifier,
  type: columnType,
  /** Dotted path into the record; defaults to the column name. */
  path: z.string().min(1).optional(),
  description: z.string().optional(),
});

const patternString = z
  .string()
  .min(1)
  .refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

const formatString = z
  .string()
  .min(1)
  .superRefine((format, ctx) => {
    try {
      timeParser(format);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

const sourceSchema = z
  .strictObject({
    name: identifier,
    description: z.string().default(''),
    key_patterns: z.array(patternString).min(1),
    /** Where records sit in a delivery document, e.g. `data.events`; absent: array, record or NDJSON. */
    records_path: z.string().min(1).optional(),
    timestamp: z.strictObject({
      field: z.string().min(1),
      format: formatString.default('iso8601'),
    }),
    id_field: z.string().min(1).optional(),
    columns: z.array(columnSchema).min(1).optional(),
    infer: z.boolean().optional(),
    /** For infer: a file of example records (NDJSON or a JSON array), relative to the sources file. */
    sample: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.infer && s.columns)
      ctx.addIssue({ code: 'custom', path: ['infer'], message: 'give columns or infer: true, not both' });
    if (!s.infer && !s.columns)
      ctx.addIssue({ code: 'custom', path: ['columns'], message: 'give columns or infer: true' });
    if (s.infer && !s.sample)
      ctx.addIssue({
        code: 'custom',
        path: ['sample'],
        message: 'infer: true needs a sample file to infer from',
      });
    if (!s.infer && s.sample)
      ctx.addIssue({ code: 'custom', path: ['sample'], message: 'sample is only read with infer: true' });
  });

export const SourcesFileSchema = z.strictObject({ sources: z.array(sourceSchema) });

export type CustomSourceConfig = z.infer<typeof sourceSchema>;
export type CustomColumnConfig = z.infer<typeof columnSchema>;

/** A sources file that cannot be used, naming the file and the field at fault. */
export class CustomSourceError extends Error {
  override readonly name = 'CustomSourceError';
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

/** `sources[1].columns[0].name` from zod's path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    '',
  );
}

/** Validates the parsed document; throws CustomSourceError at the first problem. */
export function parseSourcesFile(file: string, doc: unknown): CustomSourceConfig[] {
  if (doc === null || doc === undefined) return [];
  const parsed = SourcesFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys')
      throw new CustomSourceError(file, fieldPath([...issue.path, issue.keys[0] ?? '']), 'unknown field');
    throw new CustomSourceError(file, fieldPath(issue?.path ?? []), issue?.message ?? 'invalid sources file');
  }
  return parsed.data.sources;
}
