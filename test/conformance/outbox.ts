import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Outbox, OutboxMessage } from '../../lambdas/core/ports/outbox.js';

export interface OutboxHarness {
  outbox: Outbox;
  /** A second handle on the same queue (another process or Lambda), for concurrent claims. */
  other: Outbox;
  cleanup(): Promise<void>;
}

const T0 = new Date('2026-11-21T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const msg = (n: number, event: OutboxMessage['event'] = 'trigger'): OutboxMessage => ({
  id: `alert${n}:dest:${event}`,
  destination: 'dest',
  alertId: `alert${n}`,
  event,
});

/** The behaviour every Outbox adapter must have (see the contract on the port); run once per adapter. */
export function outboxConformance(name: string, open: () => Promise<OutboxHarness>): void {
  describe(`Outbox conformance: ${name}`, () => {
    let h: OutboxHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('enqueues once per id, in any state', async () => {
      expect(await h.outbox.enqueue(msg(1), T0)).toBe(true);
      expect(await h.outbox.enqueue(msg(1), T0)).toBe(false);
      const [item] = await h.outbox.claim(T0, { limit: 10, leaseMs: 60_000 });
      expect(await h.outbox.ack(msg(1).id, item?.leaseToken ?? '', T0)).toBe(true);
      expect(await h.outbox.enqueue(msg(1), at(5))).toBe(false);
      expect(await h.outbox.get(msg(1).id)).toEqual({
        message: msg(1),
        state: 'delivered',
        attempts: 1,
        availableAt: T0.toISOString(),
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
      });
    });

    it('claims due items oldest first, up to the limit, counting attempts', async () => {
      await h.outbox.enqueue(msg(1), T0, at(30));
      await h.outbox.enqueue(msg(2), T0, at(10));
      await h.outbox.enqueue(msg(3), T0, at(20));
      await h.outbox.enqueue(msg(4), T0, at(3600));
      expect(await h.outbox.claim(at(5), { limit: 10, leaseMs: 60_000 })).toEqual([]);
      const claimed = await h.outbox.claim(at(40), { limit: 2, leaseMs: 60_000 });
      expect(claimed.map((c) => [c.message.id, c.attempts])).toEqual([
        [msg(2).id, 1],
        [msg(3).id, 1],
      ]);
      expect((await h.outbox.claim(at(40), { limit: 10, leaseMs: 60_000 })).map((c) => c.message.id)).toEqual(
        [msg(1).id],
      );
    });

    it('leases a claimed item until the lease lapses, then hands it out again', async () => {
      await h.outbox.enqueue(msg(1), T0);
      const [first] = await h.outbox.claim(T0, { limit: 1, leaseMs: 60_000 });
      expect(await h.outbox.claim(at(59), { limit: 1, leaseMs: 60_000 })).toEqual([]);
      const [second] = await h.outbox.claim(at(60), { limit: 1, leaseMs: 60_000 });
      expect(second?.attempts).toBe(2);
      // The first holder lost the item: its token settles nothing.
      expect(await h.outbox.ack(msg(1).id, first?.leaseToken ?? '', at(61))).toBe(false);
      expect(await h.outbox.fail(msg(1).id, first?.leaseToken ?? '', 'x', at(70), at(61))).toBe(false);
      expect(await h.outbox.deadLetter(msg(1).id, first?.leaseToken ?? '', 'x', at(61))).toBe(false);
      expect(await h.outbox.ack(msg(1).id, second?.leaseToken ?? '', at(61))).toBe(true);
    });

    it('reschedules a failed item with its error, and keeps the error on a dead letter', async () => {
      await h.outbox.enqueue(msg(1), T0);
      const [a] = await h.outbox.claim(T0, { limit: 1, leaseMs: 60_000 });
      expect(await h.outbox.fail(msg(1).id, a?.leaseToken ?? '', 'HTTP 503', at(30), at(1))).toBe(true);
      expect(await h.outbox.get(msg(1).id)).toMatchObject({
        state: 'pending',
        attempts: 1,
        availableAt: at(30).toISOString(),
        lastError: 'HTTP 503',
      });
      expect(await h.outbox.claim(at(29), { limit: 1, leaseMs: 60_000 })).toEqual([]);
      const [b] = await h.outbox.claim(at(30), { limit: 1, leaseMs: 60_000 });
      expect(await h.outbox.deadLetter(msg(1).id, b?.leaseToken ?? '', 'HTTP 400: bad', at(31))).toBe(true);
      expect(await h.outbox.claim(at(9999), { limit: 1, leaseMs: 60_000 })).toEqual([]);
      expect(await h.outbox.list({ state: 'dead' })).toEqual([
        {
          message: msg(1),
          state: 'dead',
          attempts: 2,
          availableAt: at(30).toISOString(),
          lastError: 'HTTP 400: bad',
          createdAt: T0.toISOString(),
          updatedAt: at(31).toISOString(),
        },
      ]);
    });

    it('redelivers dead letters by id or all, from now, with attempts reset', async () => {
      for (const n of [1, 2, 3]) {
        await h.outbox.enqueue(msg(n), T0);
      }
      for (const c of await h.outbox.claim(T0, { limit: 3, leaseMs: 60_000 })) {
        await h.outbox.deadLetter(c.message.id, c.leaseToken, 'boom', T0);
      }
      expect(await h.outbox.redeliver({ id: 'nope' }, at(100))).toBe(0);
      expect(await h.outbox.redeliver({ id: msg(2).id }, at(100))).toBe(1);
      expect(await h.outbox.get(msg(2).id)).toMatchObject({
        state: 'pending',
        attempts: 0,
        availableAt: at(100).toISOString(),
      });
      expect(await h.outbox.redeliver({ all: true }, at(200))).toBe(2);
      expect(await h.outbox.redeliver({ all: true }, at(200))).toBe(0);
      expect((await h.outbox.list({ state: 'pending' })).length).toBe(3);
    });

    it('never gives one item to two concurrent claimers', async () => {
      for (let n = 0; n < 40; n++) await h.outbox.enqueue(msg(n), T0);
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? h.other : h.outbox).claim(at(1), { limit: 7, leaseMs: 60_000 }),
        ),
      );
      const ids = batches.flat().map((c) => c.message.id);
      expect(ids.length).toBe(40);
      expect(new Set(ids).size).toBe(40);
    });
  });
}
