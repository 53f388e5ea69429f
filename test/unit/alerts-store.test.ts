import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import type { Alert } from '../../lambdas/core/alerts/model.js';
import { AlertStore, InvalidCursorError } from '../../lambdas/core/alerts/store.js';

// Suppression expiry is judged by the state store's wall clock, so this test's clock is the real one.
const NOW = new Date();

function alert(id: string, lastSeen: string, extra: Partial<Alert> = {}): Alert {
  return {
    id,
    ruleId: 'r',
    ruleName: 'R',
    severity: 'high',
    title: `alert ${id}`,
    description: '',
    category: 'threat',
    mitreAttack: [],
    tags: [],
    status: 'open',
    dedupKey: `r#${id}`,
    firstSeen: lastSeen,
    lastSeen,
    count: 1,
    entities: { user: [`user-${id}`], ip: ['192.0.2.1'] },
    evidence: [],
    eventIds: [],
    evidenceHashes: [],
    notes: [],
    createdAt: lastSeen,
    updatedAt: lastSeen,
    history: [{ at: lastSeen, action: 'created' }],
    ...extra,
  };
}

describe('AlertStore', () => {
  let dir: string;
  let state: SqliteStateStore;
  let store: AlertStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-alert-store-'));
    state = new SqliteStateStore(join(dir, 'state.db'));
    store = new AlertStore(state);
    // Two alerts share a last-seen time: the id breaks the tie, so pages neither skip nor repeat.
    for (const [id, t] of [
      ['a', '10'],
      ['b', '11'],
      ['c', '11'],
      ['d', '12'],
      ['e', '09'],
    ] as const) {
      expect(
        await store.create(alert(id, `2026-11-20T${t}:00:00.000Z`, id === 'e' ? { severity: 'low' } : {})),
      ).toBe(true);
    }
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages newest first with a cursor, to the end', async () => {
    const ids: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.page({ limit: 2 }, cursor);
      ids.push(page.alerts.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual([['d', 'b'], ['c', 'a'], ['e']]);
    await expect(store.page({}, 'not-a-cursor')).rejects.toThrow(InvalidCursorError);
  });

  it('filters by severity, entity, assignee and time', async () => {
    await store.assign('c', 'carol@example.com', 'admin', NOW);
    expect((await store.list({ severity: 'low' })).map((a) => a.id)).toEqual(['e']);
    expect((await store.list({ entity: 'user-b' })).map((a) => a.id)).toEqual(['b']);
    expect((await store.list({ assignee: 'carol@example.com' })).map((a) => a.id)).toEqual(['c']);
    expect((await store.list({ since: '2026-11-20T11:00:00.000Z' })).map((a) => a.id)).toEqual([
      'd',
      'b',
      'c',
    ]);
  });

  it('assigns, unassigns, comments and changes status, recording each in the history', async () => {
    await store.assign('a', 'carol', 'admin', NOW);
    await store.assign('a', null, 'admin', NOW);
    await store.addNote('a', 'looked at it', 'carol', NOW);
    const done = await store.setStatus('a', 'acknowledged', 'carol', NOW);
    expect(done.assignee).toBeUndefined();
    expect(done.notes).toEqual([{ at: NOW.toISOString(), by: 'carol', text: 'looked at it' }]);
    expect(done.history.map((h) => [h.action, h.from ?? null, h.to ?? null])).toEqual([
      ['created', null, null],
      ['assigned', null, 'carol'],
      ['assigned', 'carol', null],
      ['note', null, null],
      ['status', 'open', 'acknowledged'],
    ]);
    await expect(store.setStatus('nope', 'resolved', 'x', NOW)).rejects.toThrow('no alert with id nope');
  });

  it('marks a false positive with a suppression scoped to the chosen entity kinds, expiring', async () => {
    const { alert: fp, suppression } = await store.markFalsePositive('b', {
      by: 'carol',
      now: NOW,
      ttlMs: 3_600_000,
      scope: ['user', 'host'],
    });
    expect(fp.status).toBe('false-positive');
    expect(fp.history.at(-1)).toEqual({
      at: NOW.toISOString(),
      action: 'suppression-created',
      by: 'carol',
      to: suppression.id,
    });
    expect(suppression).toMatchObject({
      ruleId: 'r',
      entities: { user: 'user-b' },
      alertId: 'b',
      suppressed: 0,
      expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    });
    expect(await store.suppressions.find('r', { user: ['user-b'], ip: ['x'] })).toMatchObject({
      id: suppression.id,
    });
    expect(await store.suppressions.find('r', { user: ['user-a'] })).toBeUndefined();
    expect(await store.suppressions.find('other', { user: ['user-b'] })).toBeUndefined();
  });

  it('marks every stored change for the alerts table, once per alert', async () => {
    await store.setStatus('a', 'resolved', 'x', NOW);
    expect(await store.lakePending()).toEqual(['a', 'b', 'c', 'd', 'e']);
    await store.lakeDone(['a', 'b']);
    expect(await store.lakePending()).toEqual(['c', 'd', 'e']);
  });
});
