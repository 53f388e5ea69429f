import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../lambdas/core/ports/object-store.js';

export interface ObjectStoreHarness {
  store: ObjectStore;
  /** What `locate('a/b.parquet')` must return. */
  located: string;
  cleanup(): Promise<void>;
}

const bytes = (text: string) => new TextEncoder().encode(text);
/** Plain numbers, so a Buffer and a Uint8Array with the same bytes compare equal. */
const octets = (body: Uint8Array | undefined) => (body === undefined ? undefined : Array.from(body));

export interface ConformanceOptions {
  /**
   * Why a peer cannot show atomic overwrites, when the atomicity belongs to the real service and
   * not to the adapter (an emulator that rewrites files in place). The case is then skipped, by name.
   */
  atomicOverwriteUntestable?: string;
}

/** The behaviour every ObjectStore adapter must have; run once per adapter. */
export function objectStoreConformance(
  name: string,
  open: () => Promise<ObjectStoreHarness>,
  opts: ConformanceOptions = {},
): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    let h: ObjectStoreHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('puts and gets bytes exactly, and gets undefined for a missing key', async () => {
      const body = new Uint8Array(256).map((_, i) => i);
      await h.store.put('tables/t/dt=2026-11-20/hour=07/a.parquet', body);
      expect(octets(await h.store.get('tables/t/dt=2026-11-20/hour=07/a.parquet'))).toEqual(Array.from(body));
      await h.store.put('empty.txt', new Uint8Array());
      expect(octets(await h.store.get('empty.txt'))).toEqual([]);
      expect(await h.store.get('tables/t/missing.parquet')).toBeUndefined();
    });

    it('lists by prefix in key order with sizes, whether or not the prefix ends at a slash', async () => {
      for (const key of ['b/2.txt', 'a/1.txt', 'b/10.txt', 'b/1/x.txt', 'bc/1.txt'])
        await h.store.put(key, bytes(key));
      const keys = async (prefix: string) => (await h.store.list(prefix)).map((o) => o.key);
      expect(await keys('b/')).toEqual(['b/1/x.txt', 'b/10.txt', 'b/2.txt']);
      expect(await keys('b')).toEqual(['b/1/x.txt', 'b/10.txt', 'b/2.txt', 'bc/1.txt']);
      expect(await keys('b/1')).toEqual(['b/1/x.txt', 'b/10.txt']);
      expect(await keys('nothing/')).toEqual([]);
      const [first] = await h.store.list('a/');
      expect(first?.size).toBe(7);
      expect(first?.lastModified).toBeInstanceOf(Date);
      expect(Math.abs((first?.lastModified.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    });

    it('lists every key past one page of 1,000', async () => {
      const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 100) {
        await Promise.all(keys.slice(i, i + 100).map((key) => h.store.put(key, bytes('x'))));
      }
      expect((await h.store.list('many/')).map((o) => o.key)).toEqual(keys);
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      await h.store.put('d/x', bytes('x'));
      await h.store.delete('d/x');
      await h.store.delete('d/x');
      expect(await h.store.get('d/x')).toBeUndefined();
      expect(await h.store.list('d/')).toEqual([]);
    });

    it('refuses keys that are absolute, empty or have empty or .. segments, naming the key', async () => {
      for (const key of ['/abs', '', 'a//b', 'a/../b', '..', 'trailing/']) {
        await expect(h.store.put(key, bytes('x')), key).rejects.toThrow(
          `invalid object key ${JSON.stringify(key)}`,
        );
        await expect(h.store.get(key), key).rejects.toThrow('invalid object key');
      }
      expect(h.store.locate('a/b.parquet')).toBe(h.located);
    });

    const atomicCase = opts.atomicOverwriteUntestable
      ? `overwrites atomically (skipped: ${opts.atomicOverwriteUntestable})`
      : 'overwrites atomically: a reader sees the whole old or the whole new object';
    it.skipIf(Boolean(opts.atomicOverwriteUntestable))(atomicCase, async () => {
      const size = 2 * 1024 * 1024;
      const oldBody = new Uint8Array(size).fill(1);
      const newBody = new Uint8Array(size).fill(2);
      await h.store.put('atomic/obj', oldBody);
      const reads: Promise<Uint8Array | undefined>[] = [];
      const writing = h.store.put('atomic/obj', newBody);
      for (let i = 0; i < 5; i++) reads.push(h.store.get('atomic/obj'));
      await writing;
      for (const read of await Promise.all(reads)) {
        expect(read?.length).toBe(size);
        const first = read?.[0];
        expect(first === 1 || first === 2).toBe(true);
        expect(read?.every((b) => b === first)).toBe(true);
      }
      expect((await h.store.get('atomic/obj'))?.[size - 1]).toBe(2);
      expect((await h.store.list('atomic/')).map((o) => [o.key, o.size])).toEqual([['atomic/obj', size]]);
    });
  });
}
