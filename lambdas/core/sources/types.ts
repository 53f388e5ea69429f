import type { TableSchema } from '../schema/types.js';

/** A row bound for one table, before the lake adds partition columns. */
export interface TableRow {
  table: string;
  row: Record<string, unknown>;
}

export interface NormaliseContext {
  sourceObject: string;
  ingestTs: Date;
}

/** Thrown by a source when one record cannot be kept; the reason goes to quarantine with it. */
export class RecordError extends Error {
  override readonly name = 'RecordError';
}

/**
 * A line-oriented text format (VPC Flow Logs, say): the first line of an object decides. `open`
 * returns a parser for the object's lines when `first` belongs to the format, else undefined.
 */
export interface TextFormat {
  open(first: string): TextParser | undefined;
}

export interface TextParser {
  /** True when `first` was a header naming the fields (not itself a record). */
  headerConsumed: boolean;
  /** One line -> one record; throws RecordError naming what is wrong. */
  parse(line: string): unknown;
}

/** One file a sample generator writes, with its path relative to the sample folder. */
export interface SampleFile {
  path: string;
  /** The file's bytes as the provider delivers them (gzip where the provider gzips). */
  body: Uint8Array;
}

export interface SampleOptions {
  /** The sample's last event is shortly before this instant. */
  end: Date;
  days: number;
  /** Same seed, same sample. */
  seed: number;
}

/**
 * A log source: how its objects are recognised, unwrapped and normalised into table rows, and a
 * sample generator with attack scenarios. One module per source under `core/sources/<name>/`.
 */
export interface SourceModule {
  name: string;
  description: string;
  /** The tables this source writes; the first is its main table. */
  tables: TableSchema[];
  /** Object key fragments that identify the source, e.g. `/CloudTrail/`. */
  keyPatterns: RegExp[];
  /** Content detection, used when no key pattern matches: does this parsed record look like ours? */
  detect(record: unknown): boolean;
  /**
   * Unwraps a provider's delivery document (e.g. CloudTrail's `{"Records": [...]}`) into records.
   * Returns undefined when the document is not a delivery envelope but a single record.
   */
  unwrap(document: unknown): unknown[] | undefined;
  /** Set by sources whose objects are text lines rather than JSON. */
  text?: TextFormat;
  /**
   * Rows for one record; throws RecordError naming what is wrong. No rows means the provider sent
   * something that carries no event (a CloudWatch Logs CONTROL_MESSAGE): the lake counts it as skipped.
   */
  normalise(record: unknown, ctx: NormaliseContext): TableRow[];
  sample(opts: SampleOptions): SampleFile[];
}
