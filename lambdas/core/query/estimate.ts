/**
 * The cost of a query before it runs: bytes it would scan after partition pruning and column
 * projection, and what Athena would charge for them.
 */
export interface ScanRequest {
  table: string;
  /** Columns the query reads; undefined when it reads all (SELECT *). */
  columns: string[] | undefined;
  from: Date;
  to: Date;
}

export interface ScanEstimate {
  bytes: number;
  /** Parquet files the time range selects. */
  files: number;
}

/** Reads Parquet metadata of the files a time range selects (DuckDB locally, S3 + footers on AWS). */
export interface ScanEstimator {
  estimate(req: ScanRequest): Promise<ScanEstimate>;
}

/** Athena's price per TB scanned (us-east-1, as of 2026-11-01) and its per-query minimum. */
export const ATHENA_USD_PER_TB = 5;
export const ATHENA_MIN_BYTES = 10 * 1024 * 1024;

/** What Athena charges for scanning `bytes`: 10 MB minimum per query, per-TB price (TB = 2^40 bytes). */
export function athenaCostUsd(bytes: number): number {
  const billed = Math.max(bytes, ATHENA_MIN_BYTES);
  return (billed / 2 ** 40) * ATHENA_USD_PER_TB;
}
