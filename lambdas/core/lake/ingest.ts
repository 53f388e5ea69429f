import { gzipSync } from 'node:zlib';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ParquetEncoder } from '../ports/parquet-encoder.js';
import type { StateStore } from '../ports/state-store.js';
import { RecordError, type SourceModule } from '../sources/types.js';
import { decodeObject, type Reject } from './decode.js';
import { batchIdFor, layout, partitionOf } from './layout.js';
import { Manifest, type ManifestEntry, type TableWrite } from './manifest.js';

export interface IngestDeps {
  store: ObjectStore;
  state: StateStore;
  encoder: ParquetEncoder;
  clock: Clock;
  sources: readonly SourceModule[];
}

export interface IngestInput {
  /** The object's name: its S3 key, or the file path locally. */
  sourceObject: string;
  body: Uint8Array;
  /** Force a source instead of detecting it. */
  source?: string;
}

export interface BatchReport {
  sourceObject: string;
  source: string | null;
  /** How the source was chosen: `flag` (--source), `key` (object name) or `content`. */
  detectedBy: 'flag' | 'key' | 'content' | 'none';
  batchId: string;
  records: number;
  written: number;
  quarantined: number;
  /** Rows written per table. */
  tables: Record<string, number>;
  quarantineKey?: string;
  /** Up to 20 reasons, for people reading the report. */
  reasons: { position: string; reason: string }[];
}

/**
 * Ingests one object: decode, choose the source, normalise every record, write Parquet per
 * table and event-time hour, keep a raw copy, quarantine what cannot be kept, and record the
 * batch in the manifest. Every record ends as a row or a quarantine line: records = written + quarantined.
 */
export async function ingestObject(deps: IngestDeps, input: IngestInput): Promise<BatchReport> {
  const ingestTs = deps.clock.now();
  const batchId = batchIdFor(input.sourceObject);
  const day = ingestTs.toISOString().slice(0, 10);

  const chosen = chooseSource(deps.sources, input);
  const decoded = decodeObject(
    input.body,
    chosen.source ? chosen.source.unwrap : (doc) => unwrapAny(deps.sources, doc),
  );
  let source = chosen.source;
  let detectedBy = chosen.by;
  if (!source) {
    source = deps.sources.find((s) => decoded.records.some((r) => s.detect(r.value)));
    if (source) detectedBy = 'content';
  }
  const sourceName = source?.name ?? input.source ?? 'unknown';

  const rejects: Reject[] = [...decoded.rejects];
  const byPartition = new Map<
    string,
    { table: string; dt: string; hour: string; rows: Record<string, unknown>[] }
  >();
  let written = 0;
  for (const record of decoded.records) {
    if (!source) {
      rejects.push({
        position: record.position,
        reason: unknownSourceReason(input),
        raw: JSON.stringify(record.value),
      });
      continue;
    }
    try {
      const rows = source.normalise(record.value, { sourceObject: input.sourceObject, ingestTs });
      for (const { table, row } of rows) {
        const { dt, hour } = partitionOf(row.ts as Date);
        const key = `${table}/${dt}/${hour}`;
        const group = byPartition.get(key) ?? { table, dt, hour, rows: [] };
        byPartition.set(key, group);
        group.rows.push(row);
      }
      written += 1;
    } catch (err) {
      const reason =
        err instanceof RecordError ? err.message : `normalisation failed: ${(err as Error).message}`;
      rejects.push({ position: record.position, reason, raw: JSON.stringify(record.value) });
    }
  }

  const manifest = new Manifest(deps.state);
  const previous = await manifest.previousOutput(input.sourceObject);
  const tables: Record<string, TableWrite> = {};
  for (const group of byPartition.values()) {
    const schema = source?.tables.find((t) => t.name === group.table);
    if (!schema) throw new Error(`source ${sourceName} produced rows for unknown table ${group.table}`);
    const key = layout.tableFile(group.table, group.dt, group.hour, batchId);
    await deps.store.put(key, await deps.encoder.encode(schema, group.rows));
    const times = group.rows.map((r) => (r.ts as Date).getTime());
    const write = tables[group.table] ?? { rows: 0, files: [], minTs: '', maxTs: '' };
    tables[group.table] = write;
    write.rows += group.rows.length;
    write.files.push(key);
    const min = new Date(Math.min(...times)).toISOString();
    const max = new Date(Math.max(...times)).toISOString();
    if (!write.minTs || min < write.minTs) write.minTs = min;
    if (!write.maxTs || max > write.maxTs) write.maxTs = max;
  }

  const rawKey = layout.raw(sourceName, day, batchId);
  await deps.store.put(rawKey, gzipIfNeeded(input.body));
  let quarantineKey: string | undefined;
  if (rejects.length > 0) {
    quarantineKey = layout.quarantine(sourceName, day, batchId);
    const lines = rejects.map((r) =>
      JSON.stringify({
        source_object: input.sourceObject,
        position: r.position,
        reason: r.reason,
        record: r.raw,
      }),
    );
    await deps.store.put(quarantineKey, gzipSync(`${lines.join('\n')}\n`));
  }

  // Replace, not add: drop whatever an earlier ingest of this object wrote that this one did not.
  const current = new Set([...Object.values(tables).flatMap((t) => t.files), rawKey, quarantineKey]);
  for (const old of [...(previous?.files ?? []), previous?.rawKey, previous?.quarantineKey]) {
    if (old && !current.has(old)) await deps.store.delete(old);
  }

  const entry: ManifestEntry = {
    batchId,
    source: sourceName,
    sourceObject: input.sourceObject,
    ingestedAt: ingestTs.toISOString(),
    records: decoded.records.length + decoded.rejects.length,
    written,
    quarantined: rejects.length,
    tables,
    rawKey,
  };
  if (quarantineKey) entry.quarantineKey = quarantineKey;
  await manifest.record(entry);

  const report: BatchReport = {
    sourceObject: input.sourceObject,
    source: source?.name ?? null,
    detectedBy: source ? detectedBy : 'none',
    batchId,
    records: entry.records,
    written,
    quarantined: rejects.length,
    tables: Object.fromEntries(Object.entries(tables).map(([t, w]) => [t, w.rows])),
    reasons: rejects.slice(0, 20).map((r) => ({ position: r.position, reason: r.reason })),
  };
  if (quarantineKey) report.quarantineKey = quarantineKey;
  return report;
}

function chooseSource(
  sources: readonly SourceModule[],
  input: IngestInput,
): { source: SourceModule | undefined; by: BatchReport['detectedBy'] } {
  if (input.source) {
    const named = sources.find((s) => s.name === input.source);
    if (!named) throw new UnknownSourceError(input.source, sources);
    return { source: named, by: 'flag' };
  }
  const byKey = sources.find((s) => s.keyPatterns.some((p) => p.test(input.sourceObject)));
  return { source: byKey, by: byKey ? 'key' : 'none' };
}

function unwrapAny(sources: readonly SourceModule[], doc: unknown): unknown[] | undefined {
  for (const source of sources) {
    const records = source.unwrap(doc);
    if (records) return records;
  }
  return undefined;
}

function unknownSourceReason(input: IngestInput): string {
  return `unknown source: neither the object name ${JSON.stringify(input.sourceObject)} nor the record's content matches a known source`;
}

function gzipIfNeeded(body: Uint8Array): Uint8Array {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b ? body : gzipSync(body);
}

export class UnknownSourceError extends Error {
  override readonly name = 'UnknownSourceError';
  constructor(name: string, sources: readonly SourceModule[]) {
    super(`unknown source ${JSON.stringify(name)}; known sources: ${sources.map((s) => s.name).join(', ')}`);
  }
}
