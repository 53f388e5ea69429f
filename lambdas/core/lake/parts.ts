import type { ObjectStore } from '../ports/object-store.js';
import type { ParquetEncoder, ParquetPart } from '../ports/parquet-encoder.js';
import type { TableSchema } from '../schema/types.js';
import { layout, partitionOf } from './layout.js';
import type { TableWrite } from './manifest.js';

/** How much a batch holds before it writes: whichever limit is reached first. */
export interface PartLimits {
  /** Rows held across all open parts. */
  records: number;
  /** Serialised bytes held across all open parts. */
  bytes: number;
}

export const DEFAULT_PART_LIMITS: PartLimits = { records: 50_000, bytes: 64 * 1_048_576 };

interface OpenPart {
  table: string;
  dt: string;
  hour: string;
  part: ParquetPart;
}

interface TableAccumulator {
  rows: number;
  files: string[];
  minTs: number;
  maxTs: number;
}

/**
 * The Parquet output of one batch, written in bounded parts: rows go to one open part per table
 * and event hour; when the rows or bytes held reach a limit every open part is finished and
 * written as `<batchId>-<n>.parquet` (n counting per partition). Encoding runs while the next
 * chunk is read, with at most one write in flight, so memory stays flat however big the object.
 */
export class PartSet {
  private readonly open = new Map<string, OpenPart>();
  private readonly counters = new Map<string, number>();
  private readonly accumulators = new Map<string, TableAccumulator>();
  private heldRows = 0;
  private heldBytes = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly deps: { store: ObjectStore; encoder: ParquetEncoder },
    private readonly batchId: string,
    private readonly schemaOf: (table: string) => TableSchema,
    private readonly limits: PartLimits,
  ) {}

  add(table: string, row: Record<string, unknown>): void {
    const ts = row.ts as Date;
    const { dt, hour } = partitionOf(ts);
    const key = `${table}/${dt}/${hour}`;
    let open = this.open.get(key);
    if (!open) {
      open = { table, dt, hour, part: this.deps.encoder.part(this.schemaOf(table)) };
      this.open.set(key, open);
    }
    const before = open.part.bytes;
    open.part.add(row);
    this.heldRows += 1;
    this.heldBytes += open.part.bytes - before;
    const acc = this.accumulators.get(table) ?? { rows: 0, files: [], minTs: Infinity, maxTs: -Infinity };
    this.accumulators.set(table, acc);
    const ms = ts.getTime();
    acc.rows += 1;
    if (ms < acc.minTs) acc.minTs = ms;
    if (ms > acc.maxTs) acc.maxTs = ms;
  }

  get full(): boolean {
    return this.heldRows >= this.limits.records || this.heldBytes >= this.limits.bytes;
  }

  /** Starts writing every open part; waits only for the previous write. */
  async flush(): Promise<void> {
    await this.settle();
    if (this.open.size === 0) return;
    const parts = [...this.open.entries()];
    this.open.clear();
    this.heldRows = 0;
    this.heldBytes = 0;
    const jobs = parts.map(([key, open]) => {
      const n = this.counters.get(key) ?? 0;
      this.counters.set(key, n + 1);
      const file = layout.tableFile(open.table, open.dt, open.hour, this.batchId, n);
      this.accumulators.get(open.table)?.files.push(file);
      return { file, part: open.part };
    });
    this.inFlight = (async () => {
      for (const { file, part } of jobs) await this.deps.store.put(file, await part.finish());
    })().catch((error: unknown) => {
      this.failure = { error };
    });
  }

  /** Writes what is left and returns what was written per table. */
  async close(): Promise<Record<string, TableWrite>> {
    await this.flush();
    await this.settle();
    const out: Record<string, TableWrite> = {};
    for (const [table, acc] of this.accumulators) {
      out[table] = {
        rows: acc.rows,
        files: acc.files,
        minTs: new Date(acc.minTs).toISOString(),
        maxTs: new Date(acc.maxTs).toISOString(),
      };
    }
    return out;
  }

  private async settle(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure.error;
  }
}
