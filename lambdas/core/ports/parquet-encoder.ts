import type { TableSchema } from '../schema/types.js';

/**
 * One Parquet file being filled: rows are serialised as they are added (so the lake holds text,
 * not objects, while a part fills) and encoded when the part is finished.
 */
export interface ParquetPart {
  add(row: Record<string, unknown>): void;
  readonly rows: number;
  /** Bytes of serialised rows held, for bounding memory. */
  readonly bytes: number;
  /** The zstd Parquet bytes of every row added; the part is spent afterwards. */
  finish(): Promise<Uint8Array>;
}

/**
 * Turns normalised rows into zstd Parquet files for a table. DuckDB does this in both runtimes
 * (locally and in the ingest Lambda), so the core never builds Parquet itself.
 */
export interface ParquetEncoder {
  encode(schema: TableSchema, rows: readonly Record<string, unknown>[]): Promise<Uint8Array>;
  part(schema: TableSchema): ParquetPart;
}
