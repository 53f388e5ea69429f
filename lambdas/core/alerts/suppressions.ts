import { createHash } from 'node:crypto';
import type { StateStore } from '../ports/state-store.js';
import { ENTITY_KINDS, type Entities, type EntityKind } from './model.js';

/**
 * A suppression: matches of one rule about the given entities raise no alert until it expires.
 * Created when an analyst marks an alert a false positive. Suppressed matches are not dropped
 * silently: each is counted once (by its identity, so a re-run cycle does not count it again),
 * with the newest few kept for review.
 */
export interface Suppression {
  id: string;
  ruleId: string;
  /** Every listed value must be among the match's entities of that kind (an empty scope: the whole rule). */
  entities: Partial<Record<EntityKind, string>>;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  /** The alert whose false-positive marking created it. */
  alertId?: string;
  /** Matches it stopped. */
  suppressed: number;
  lastSuppressedAt?: string;
  /** Identities of counted matches (capped), for idempotent counting. */
  matchHashes: string[];
}

const PK = 'suppression';
const HASH_CAP = 5_000;

export interface NewSuppression {
  ruleId: string;
  entities: Partial<Record<EntityKind, string>>;
  reason: string;
  createdBy: string;
  alertId?: string;
  /** Milliseconds until it lapses. */
  ttlMs: number;
}

/** True when every entity of the scope is among the match's entities. */
export function suppressionCovers(s: Suppression, entities: Entities): boolean {
  return ENTITY_KINDS.every((kind) => {
    const want = s.entities[kind];
    return want === undefined || (entities[kind] ?? []).includes(want);
  });
}

export class SuppressionStore {
  constructor(private readonly state: StateStore) {}

  async create(input: NewSuppression, now: Date): Promise<Suppression> {
    const expires = new Date(now.getTime() + input.ttlMs);
    // One suppression per rule and scope: marking a second alert about the same thing extends it.
    const id = createHash('sha256')
      .update(JSON.stringify([input.ruleId, ENTITY_KINDS.map((k) => input.entities[k] ?? null)]))
      .digest('hex')
      .slice(0, 20);
    const existing = await this.state.get<Suppression>(PK, `${input.ruleId}#${id}`);
    const suppression: Suppression = {
      id,
      ruleId: input.ruleId,
      entities: input.entities,
      reason: input.reason,
      createdBy: input.createdBy,
      createdAt: now.toISOString(),
      expiresAt: expires.toISOString(),
      suppressed: existing?.value.suppressed ?? 0,
      matchHashes: existing?.value.matchHashes ?? [],
    };
    if (input.alertId) suppression.alertId = input.alertId;
    await this.state.put(PK, `${input.ruleId}#${id}`, suppression, {
      expiresAt: Math.floor(expires.getTime() / 1000),
    });
    return suppression;
  }

  /** Live suppressions, of one rule or all. */
  async list(ruleId?: string): Promise<Suppression[]> {
    const items = await this.state.query<Suppression>(PK, ruleId ? { prefix: `${ruleId}#` } : {});
    return items.map((i) => i.value);
  }

  async delete(ruleId: string, id: string): Promise<boolean> {
    const found = await this.state.get<Suppression>(PK, `${ruleId}#${id}`);
    if (!found) return false;
    await this.state.delete(PK, `${ruleId}#${id}`);
    return true;
  }

  /** The live suppression covering these entities of the rule, if any. */
  async find(ruleId: string, entities: Entities): Promise<Suppression | undefined> {
    return (await this.list(ruleId)).find((s) => suppressionCovers(s, entities));
  }

  /** Counts matches a suppression stopped; each identity once. Retried on a concurrent write. */
  async count(s: Suppression, matchHashes: readonly string[], now: Date): Promise<void> {
    const sk = `${s.ruleId}#${s.id}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.state.get<Suppression>(PK, sk);
      if (!item) return;
      const known = new Set(item.value.matchHashes);
      const fresh = [...new Set(matchHashes)].filter((h) => !known.has(h));
      if (fresh.length === 0) return;
      const updated: Suppression = {
        ...item.value,
        suppressed: item.value.suppressed + fresh.length,
        lastSuppressedAt: now.toISOString(),
        matchHashes: [...item.value.matchHashes, ...fresh].slice(-HASH_CAP),
      };
      const opts = { ifVersion: item.version, ...(item.expiresAt ? { expiresAt: item.expiresAt } : {}) };
      if (await this.state.put(PK, sk, updated, opts)) return;
    }
    throw new Error(`suppression ${s.id} kept changing while being counted; the cycle will retry`);
  }
}
