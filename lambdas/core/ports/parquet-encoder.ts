import type { TableSchema } from '../schema/types.js';

/**
 * Turns normalised rows into one zstd Parquet file for a table. DuckDB does this in both runtimes
 * (locally and in the ingest Lambda), so the core never builds Parquet itself.
 */
export interface ParquetEncoder {
  encode(schema: TableSchema, rows: readonly Record<string, unknown>[]): Promise<Uint8Array>;
}
