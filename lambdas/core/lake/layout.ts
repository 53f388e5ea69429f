import { createHash } from 'node:crypto';

/** Where things live in the lake's object store. */
export const layout = {
  tablePrefix: (table: string) => `tables/${table}/`,
  /**
   * An ingest batch writes one or more parts per partition (`<batchId>-0.parquet`, `-1`, …); a
   * writer of whole files (the alerts table) omits the part.
   */
  tableFile: (table: string, dt: string, hour: string, batchId: string, part?: number) =>
    `tables/${table}/dt=${dt}/hour=${hour}/${batchId}${part === undefined ? '' : `-${part}`}.parquet`,
  raw: (source: string, day: string, batchId: string) => `raw/${source}/dt=${day}/${batchId}.gz`,
  quarantine: (source: string, day: string, batchId: string) =>
    `quarantine/${source}/dt=${day}/${batchId}.ndjson.gz`,
};

/** Event-time partition of an instant: `dt` (YYYY-MM-DD) and `hour` (HH), UTC. */
export function partitionOf(ts: Date): { dt: string; hour: string } {
  const iso = ts.toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

/**
 * A batch's id is derived from the object it came from, so ingesting the same object again writes
 * the same file names and replaces the earlier output instead of adding to it.
 */
export function batchIdFor(sourceObject: string): string {
  return createHash('sha256').update(sourceObject).digest('hex').slice(0, 24);
}
