import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ParquetEncoder } from '../ports/parquet-encoder.js';
import type { StateStore } from '../ports/state-store.js';
import { RecordError, type SourceModule, type TableRow } from '../sources/types.js';
import { type DecodedRecord, decodeStream } from './decode.js';
import { gzipStream, oneChunk, readAll } from './gzip-stream.js';
import { batchIdFor, layout } from './layout.js';
import { Manifest, type ManifestEntry } from './manifest.js';
import { DEFAULT_PART_LIMITS, type PartLimits, PartSet } from './parts.js';
import { QuarantineWriter } from './quarantine.js';
import { checkEventTime } from './time-checks.js';

export interface IngestDeps {
  store: ObjectStore;
  state: StateStore;
  encoder: ParquetEncoder;
  clock: Clock;
  sources: readonly SourceModule[];
  /**
   * Object-name patterns per source name, replacing that source's own `keyPatterns` (strings are
   * compiled as regular expressions). The local runtime fills this from the `sources:` section of
   * `$MANTISSA_HOME/config.yaml`; on AWS from the ingest function's configuration.
   */
  keyPatterns?: Readonly<Record<string, readonly (RegExp | string)[]>>;
  /** When a batch writes its held rows as Parquet parts (default 50,000 rows or 64 MiB). */
  limits?: Partial<PartLimits>;
  /**
   * The real-time detection path (detection/realtime.ts): sees every row as it is kept, and is told
   * once the batch is written and recorded. It must not throw for a detection failure: the
   * scheduled cycle re-checks every batch.
   */
  realtime?: {
    add(table: string, row: Record<string, unknown>): void;
    written(entry: ManifestEntry): Promise<void>;
  };
}

export interface IngestInput {
  /** The object's name: its S3 key, or the file path locally. */
  sourceObject: string;
  /** The object's bytes, when they are at hand. */
  body?: Uint8Array;
  /**
   * Opens the object's bytes as a stream instead; called twice (decoding, then the raw copy).
   * Large objects should come this way: memory then stays bounded by the part limits.
   */
  open?: () => AsyncIterable<Uint8Array>;
  /** Force a source instead of detecting it. */
  source?: string;
}

export interface BatchReport {
  sourceObject: string;
  source: string | null;
  /** How the source was chosen: `flag` (--source), `key` (object name) or `content`. */
  detectedBy: 'flag' | 'key' | 'content' | 'none';
  batchId: string;
  /** records = written + quarantined + skipped. */
  records: number;
  written: number;
  quarantined: number;
  /** Provider messages that carry no event (CloudWatch Logs CONTROL_MESSAGE). */
  skipped: number;
  /** Rows written per table. */
  tables: Record<string, number>;
  quarantineKey?: string;
  /** Up to 20 reasons, for people reading the report. */
  reasons: { position: string; reason: string }[];
}

/**
 * Ingests one object as a stream: decode, choose the source, normalise every record, write
 * Parquet per table and event-time hour in bounded parts, keep a raw copy, quarantine what cannot
 * be kept, and record the batch in the manifest. Every record ends as a row, a quarantine line or
 * (for provider control messages) a skip: records = written + quarantined + skipped.
 */
export async function ingestObject(deps: IngestDeps, input: IngestInput): Promise<BatchReport> {
  const ingestTs = deps.clock.now();
  const batchId = batchIdFor(input.sourceObject);
  const day = ingestTs.toISOString().slice(0, 10);
  const limits: PartLimits = { ...DEFAULT_PART_LIMITS, ...deps.limits };
  const open = streamOf(input);

  const chosen = chooseSource(deps, input);
  let source = chosen.source;
  let detectedBy = chosen.by;
  const quarantine = new QuarantineWriter(input.sourceObject);
  const parts = new PartSet(
    deps,
    batchId,
    (table) => {
      const schema = source?.tables.find((t) => t.name === table);
      if (!schema) throw new Error(`source ${source?.name} produced rows for undeclared table ${table}`);
      return schema;
    },
    limits,
  );
  const ctx = { sourceObject: input.sourceObject, ingestTs };
  let records = 0;
  let written = 0;
  let skipped = 0;
  let held: DecodedRecord[] = [];

  const keep = (record: DecodedRecord, from: SourceModule): void => {
    let rows: TableRow[];
    try {
      rows = from.normalise(record.value, ctx);
      for (const { row } of rows) checkEventTime(row.ts, ingestTs);
    } catch (err) {
      const reason =
        err instanceof RecordError ? err.message : `normalisation failed: ${(err as Error).message}`;
      quarantine.add({ position: record.position, reason, raw: rawOf(record.value) });
      return;
    }
    if (rows.length === 0) skipped += 1;
    else {
      for (const { table, row } of rows) {
        deps.realtime?.add(table, row);
        parts.add(table, row);
      }
      written += 1;
    }
  };
  const unknown = (record: DecodedRecord): void =>
    quarantine.add({
      position: record.position,
      reason: unknownSourceReason(input),
      raw: rawOf(record.value),
    });

  const textFormats = (source ? [source] : deps.sources).flatMap((s) =>
    s.text ? [{ name: s.name, format: s.text }] : [],
  );
  const items = decodeStream(open(), {
    unwrap: (doc) => (source ? source.unwrap(doc) : unwrapAny(deps.sources, doc)),
    textFormats,
    onTextFormat: (name) => {
      if (source) return;
      source = deps.sources.find((s) => s.name === name);
      detectedBy = 'content';
    },
  });
  for await (const batch of items) {
    for (const item of batch) {
      records += 1;
      if (item.kind === 'reject') {
        quarantine.add(item);
        continue;
      }
      if (Array.isArray(item.value)) {
        quarantine.add({
          position: item.position,
          reason: 'a JSON array where a record was expected',
          raw: rawOf(item.value),
        });
        continue;
      }
      if (!source) {
        source = deps.sources.find((s) => s.detect(item.value));
        if (!source) {
          // Held until a record says which source this is; bounded like a part.
          held.push(item);
          if (held.length >= limits.records) {
            held.forEach(unknown);
            held = [];
          }
          continue;
        }
        detectedBy = 'content';
        for (const early of held) keep(early, source);
        held = [];
      }
      keep(item, source);
    }
    if (parts.full) await parts.flush();
  }
  held.forEach(unknown);
  const tables = await parts.close();
  const sourceName = source?.name ?? input.source ?? 'unknown';

  const rawKey = layout.raw(sourceName, day, batchId);
  if (deps.store.putStream && input.open) await deps.store.putStream(rawKey, gzipStream(open()));
  else await deps.store.put(rawKey, await readAll(gzipStream(open())));
  const quarantineBody = quarantine.body();
  const quarantineKey = quarantineBody ? layout.quarantine(sourceName, day, batchId) : undefined;
  if (quarantineKey && quarantineBody) await deps.store.put(quarantineKey, quarantineBody);

  // Replace, not add: drop whatever an earlier ingest of this object wrote that this one did not.
  const manifest = new Manifest(deps.state);
  const previous = await manifest.previousOutput(input.sourceObject);
  const current = new Set([...Object.values(tables).flatMap((t) => t.files), rawKey, quarantineKey]);
  for (const old of [...(previous?.files ?? []), previous?.rawKey, previous?.quarantineKey]) {
    if (old && !current.has(old)) await deps.store.delete(old);
  }

  const entry: ManifestEntry = {
    batchId,
    source: sourceName,
    sourceObject: input.sourceObject,
    ingestedAt: ingestTs.toISOString(),
    records,
    written,
    quarantined: quarantine.count,
    tables,
    rawKey,
  };
  if (skipped > 0) entry.skipped = skipped;
  if (quarantineKey) entry.quarantineKey = quarantineKey;
  await manifest.record(entry);
  await deps.realtime?.written(entry);

  const report: BatchReport = {
    sourceObject: input.sourceObject,
    source: source?.name ?? null,
    detectedBy: source ? detectedBy : 'none',
    batchId,
    records,
    written,
    quarantined: quarantine.count,
    skipped,
    tables: Object.fromEntries(Object.entries(tables).map(([t, w]) => [t, w.rows])),
    reasons: quarantine.reasons,
  };
  if (quarantineKey) report.quarantineKey = quarantineKey;
  return report;
}

function streamOf(input: IngestInput): () => AsyncIterable<Uint8Array> {
  if (input.open) return input.open;
  const body = input.body;
  if (!body) throw new Error(`ingest of ${input.sourceObject}: the input has neither body nor open`);
  return () => oneChunk(body);
}

function rawOf(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The patterns that name a source's objects: the deployment's override, else the source's own. */
export function keyPatternsOf(deps: Pick<IngestDeps, 'keyPatterns'>, source: SourceModule): RegExp[] {
  const override = deps.keyPatterns?.[source.name];
  if (!override) return source.keyPatterns;
  return override.map((p) => {
    if (p instanceof RegExp) return p;
    try {
      return new RegExp(p);
    } catch (err) {
      throw new Error(
        `keyPatterns.${source.name}: ${JSON.stringify(p)} is not a regular expression: ${(err as Error).message}`,
      );
    }
  });
}

function chooseSource(
  deps: IngestDeps,
  input: IngestInput,
): { source: SourceModule | undefined; by: BatchReport['detectedBy'] } {
  const { sources } = deps;
  for (const name of Object.keys(deps.keyPatterns ?? {})) {
    if (!sources.some((s) => s.name === name)) {
      throw new Error(
        `keyPatterns names unknown source ${JSON.stringify(name)}; known: ${sources.map((s) => s.name).join(', ')}`,
      );
    }
  }
  if (input.source) {
    const named = sources.find((s) => s.name === input.source);
    if (!named) throw new UnknownSourceError(input.source, sources);
    return { source: named, by: 'flag' };
  }
  const byKey = sources.find((s) => keyPatternsOf(deps, s).some((p) => p.test(input.sourceObject)));
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

export class UnknownSourceError extends Error {
  override readonly name = 'UnknownSourceError';
  constructor(name: string, sources: readonly SourceModule[]) {
    super(`unknown source ${JSON.stringify(name)}; known sources: ${sources.map((s) => s.name).join(', ')}`);
  }
}
