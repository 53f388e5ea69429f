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
  /** Rows for one record; throws RecordError naming what is wrong. */
  normalise(record: unknown, ctx: NormaliseContext): TableRow[];
  sample(opts: SampleOptions): SampleFile[];
}
