import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../lambdas/core/ports/state-store.js';

export interface StateStoreHarness {
  store: StateStore;
  /** Moves the store's notion of "now" (for TTL), in epoch seconds. */
  setNow(seconds: number): void;
  cleanup(): Promise<void>;
}

/** The behaviour every StateStore adapter must have; run once per adapter. */
export function stateStoreConformance(name: string, open: () => Promise<StateStoreHarness>): void {
  describe(`StateStore conformance: ${name}`, () => {
    let h: StateStoreHarness;
    beforeEach(async () => {
      h = await open();
      h.setNow(1_000_000);
    });
    afterEach(async () => {
      await h.store.close();
      await h.cleanup();
    });

    it('puts and gets a JSON value with version 1, then 2 after an overwrite', async () => {
      expect(await h.store.put('p', 'a', { n: 1, s: 'x', list: [1, null] })).toBe(true);
      expect(await h.store.get('p', 'a')).toEqual({
        pk: 'p',
        sk: 'a',
        value: { n: 1, s: 'x', list: [1, null] },
        version: 1,
      });
      await h.store.put('p', 'a', { n: 2 });
      expect(await h.store.get('p', 'a')).toEqual({ pk: 'p', sk: 'a', value: { n: 2 }, version: 2 });
      expect(await h.store.get('p', 'missing')).toBeUndefined();
    });

    it('refuses ifNotExists over a live item and ifVersion with a stale version', async () => {
      expect(await h.store.put('p', 'a', 1, { ifNotExists: true })).toBe(true);
      expect(await h.store.put('p', 'a', 2, { ifNotExists: true })).toBe(false);
      expect(await h.store.put('p', 'a', 3, { ifVersion: 7 })).toBe(false);
      expect(await h.store.put('p', 'a', 4, { ifVersion: 1 })).toBe(true);
      expect((await h.store.get('p', 'a'))?.value).toBe(4);
      expect(await h.store.put('p', 'new', 5, { ifVersion: 1 })).toBe(false);
    });

    it('treats expired items as absent, for get, query and ifNotExists', async () => {
      await h.store.put('p', 'a', 'soon gone', { expiresAt: 1_000_010 });
      expect((await h.store.get('p', 'a'))?.expiresAt).toBe(1_000_010);
      h.setNow(1_000_011);
      expect(await h.store.get('p', 'a')).toBeUndefined();
      expect(await h.store.query('p')).toEqual([]);
      expect(await h.store.put('p', 'a', 'again', { ifNotExists: true })).toBe(true);
    });

    it('queries one partition in sort-key order with prefix, after, before, limit and reverse', async () => {
      for (const sk of ['b#2', 'a#1', 'b#1', 'c', 'b%_']) await h.store.put('p', sk, sk);
      await h.store.put('other', 'b#1', 'x');
      const keys = async (opts?: Parameters<StateStore['query']>[1]) =>
        (await h.store.query<string>('p', opts)).map((i) => i.sk);
      expect(await keys()).toEqual(['a#1', 'b#1', 'b#2', 'b%_', 'c']);
      expect(await keys({ prefix: 'b#' })).toEqual(['b#1', 'b#2']);
      expect(await keys({ prefix: 'b%' })).toEqual(['b%_']);
      expect(await keys({ after: 'b#1' })).toEqual(['b#2', 'b%_', 'c']);
      expect(await keys({ limit: 2, reverse: true })).toEqual(['c', 'b%_']);
      expect(await keys({ before: 'b#2' })).toEqual(['a#1', 'b#1']);
      expect(await keys({ before: 'b%_', reverse: true, limit: 2 })).toEqual(['b#2', 'b#1']);
      expect(await keys({ before: 'b#2', prefix: 'b#' })).toEqual(['b#1']);
      expect(await keys({ before: 'c', prefix: 'b#', reverse: true })).toEqual(['b#2', 'b#1']);
      expect(await keys({ after: 'a#1', before: 'b%_' })).toEqual(['b#1', 'b#2']);
    });

    it('deletes, and deleting a missing item is not an error', async () => {
      await h.store.put('p', 'a', 1);
      await h.store.delete('p', 'a');
      await h.store.delete('p', 'a');
      expect(await h.store.get('p', 'a')).toBeUndefined();
    });

    it('lets exactly one of many concurrent conditional creators win', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => h.store.put('race', 'k', i, { ifNotExists: true })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
