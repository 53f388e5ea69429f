import { EVIDENCE_CAP } from '../alerts/model.js';
import type { StateStore } from '../ports/state-store.js';
import type { KeyedMatch } from './raise.js';

const PK = 'threshold';
/** Matches kept per dedup key while below threshold; a threshold above this could never be reached. */
export const HELD_CAP = 2_000;

/**
 * Matches held below a rule's threshold, per dedup key, carried across cycles in the state store.
 * Only matches within one deduplication window of the newest count (Matano's threshold semantics);
 * older ones fall out as new ones arrive. Adding the same match twice holds it once.
 */
export class ThresholdState {
  constructor(private readonly state: StateStore) {}

  /** Adds matches and returns every match now held for the key, oldest first. */
  async add(dedupKey: string, matches: readonly KeyedMatch[], windowMs: number): Promise<KeyedMatch[]> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.state.get<KeyedMatch[]>(PK, dedupKey);
      const byHash = new Map((item?.value ?? []).map((m) => [m.hash, m]));
      for (const m of matches) if (!byHash.has(m.hash)) byHash.set(m.hash, m);
      const all = [...byHash.values()].sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : 1));
      const newest = Math.max(...all.map((m) => Date.parse(m.lastSeen)));
      const held = all
        .filter((m) => newest - Date.parse(m.firstSeen) <= windowMs)
        .slice(-HELD_CAP)
        // Only the rows that can become evidence are kept whole: the item stays small (DynamoDB: 400 KB).
        .map((m, i) => (i < EVIDENCE_CAP ? m : { ...m, row: {} }));
      // Held matches expire with their window, so keys that never reach the threshold do not pile up.
      const expiresAt = Math.floor((Date.now() + windowMs) / 1000) + 86_400;
      const opts = item ? { ifVersion: item.version, expiresAt } : { ifNotExists: true, expiresAt };
      if (await this.state.put(PK, dedupKey, held, opts)) return held;
    }
    throw new Error(`held matches for ${dedupKey} kept changing; the cycle will retry`);
  }

  async clear(dedupKey: string): Promise<void> {
    await this.state.delete(PK, dedupKey);
  }
}
