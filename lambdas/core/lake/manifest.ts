import type { StateStore } from '../ports/state-store.js';

/** What one batch wrote to one table. */
export interface TableWrite {
  rows: number;
  files: string[];
  /** Event-time range of the rows, ISO 8601. */
  minTs: string;
  maxTs: string;
}

/** One ingested batch (one source object), as the detection engine consumes it. */
export interface ManifestEntry {
  batchId: string;
  source: string;
  sourceObject: string;
  ingestedAt: string;
  records: number;
  written: number;
  quarantined: number;
  /** Provider messages that carried no event (absent when none). */
  skipped?: number;
  tables: Record<string, TableWrite>;
  quarantineKey?: string;
  rawKey?: string;
}

/** What the lake holds for one source object, so re-ingesting it can replace its output. */
interface ObjectIndex {
  files: string[];
  rawKey?: string;
  quarantineKey?: string;
}

const PK = { entries: 'manifest', pending: 'manifest-pending', objects: 'object' } as const;

function sortKey(entry: ManifestEntry): string {
  return `${entry.ingestedAt}#${entry.batchId}`;
}

export class Manifest {
  constructor(private readonly state: StateStore) {}

  async previousOutput(sourceObject: string): Promise<ObjectIndex | undefined> {
    return (await this.state.get<ObjectIndex>(PK.objects, sourceObject))?.value;
  }

  /** Records a batch: its entry, its place in the detection queue, and the object's output index. */
  async record(entry: ManifestEntry): Promise<void> {
    const files = Object.values(entry.tables).flatMap((t) => t.files);
    const index: ObjectIndex = { files };
    if (entry.rawKey) index.rawKey = entry.rawKey;
    if (entry.quarantineKey) index.quarantineKey = entry.quarantineKey;
    await this.state.put(PK.entries, sortKey(entry), entry);
    if (entry.written > 0) await this.state.put(PK.pending, sortKey(entry), entry);
    await this.state.put(PK.objects, entry.sourceObject, index);
  }

  /** Batches not yet seen by a detection cycle, oldest first. */
  async pending(limit = 10_000): Promise<{ key: string; entry: ManifestEntry }[]> {
    const items = await this.state.query<ManifestEntry>(PK.pending, { limit });
    return items.map((item) => ({ key: item.sk, entry: item.value }));
  }

  /** Called by a detection cycle only after its alerts are stored. */
  async markConsumed(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.state.delete(PK.pending, key);
  }

  async recent(limit = 100): Promise<ManifestEntry[]> {
    return (await this.state.query<ManifestEntry>(PK.entries, { limit, reverse: true })).map((i) => i.value);
  }
}
