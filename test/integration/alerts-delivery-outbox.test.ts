import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteOutbox } from '../../lambdas/adapters/local/outbox-sqlite.js';
import { outboxConformance } from '../conformance/outbox.js';

outboxConformance('SQLite table in the state file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-outbox-'));
  const outbox = new SqliteOutbox(join(dir, 'state.db'));
  const other = new SqliteOutbox(join(dir, 'state.db'));
  return {
    outbox,
    other,
    async cleanup() {
      await outbox.close();
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteOutbox.prune', () => {
  it('forgets delivered items older than the cut-off, never pending or dead ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mantissa-outbox-'));
    const outbox = new SqliteOutbox(join(dir, 'state.db'));
    try {
      const t0 = new Date('2026-11-01T00:00:00.000Z');
      const later = new Date('2026-11-20T00:00:00.000Z');
      for (const id of ['a', 'b', 'c', 'd']) {
        await outbox.enqueue({ id, destination: 'x', alertId: id, event: 'trigger' }, t0);
      }
      const [a, b, c] = await outbox.claim(t0, { limit: 3, leaseMs: 60_000 });
      await outbox.ack('a', a?.leaseToken ?? '', t0);
      await outbox.ack('b', b?.leaseToken ?? '', later);
      await outbox.deadLetter('c', c?.leaseToken ?? '', 'boom', t0);
      expect(await outbox.prune(new Date('2026-11-13T00:00:00.000Z'))).toBe(1);
      expect((await outbox.list()).map((i) => [i.message.id, i.state]).sort()).toEqual([
        ['b', 'delivered'],
        ['c', 'dead'],
        ['d', 'pending'],
      ]);
    } finally {
      await outbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
