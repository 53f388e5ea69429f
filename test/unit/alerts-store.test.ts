import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import type { Alert } from '../../lambdas/core/alerts/model.js';
import { AlertStore, InvalidCursorError } from '../../lambdas/core/alerts/store.js';
import type { StateStore } from '../../lambdas/core/ports/state-store.js';

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
    // Two alerts share a last-seen time: the id breaks the tie (descending, as the list index reads),
    // so pages neither skip nor repeat.
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
    expect(ids).toEqual([['d', 'c'], ['b', 'a'], ['e']]);
    await expect(store.page({}, 'not-a-cursor')).rejects.toThrow(InvalidCursorError);
  });

  it('filters by severity, entity, assignee and time', async () => {
    await store.assign('c', 'carol@example.com', 'admin', NOW);
    expect((await store.list({ severity: 'low' })).map((a) => a.id)).toEqual(['e']);
    expect((await store.list({ entity: 'user-b' })).map((a) => a.id)).toEqual(['b']);
    expect((await store.list({ assignee: 'carol@example.com' })).map((a) => a.id)).toEqual(['c']);
    expect((await store.list({ since: '2026-11-20T11:00:00.000Z' })).map((a) => a.id)).toEqual([
      'd',
      'c',
      'b',
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

/** A state store that counts the alert items read, one by one and by query. */
function counting(inner: StateStore) {
  const reads = { gets: 0, queries: 0 };
  const store: StateStore = {
    get: (pk, sk) => {
      if (pk === 'alert') reads.gets += 1;
      return inner.get(pk, sk);
    },
    put: (pk, sk, value, opts) => inner.put(pk, sk, value, opts),
    delete: (pk, sk) => inner.delete(pk, sk),
    query: (pk, opts) => {
      if (pk === 'alert') reads.queries += 1;
      return inner.query(pk, opts);
    },
    close: () => inner.close(),
  };
  return { store, reads };
}

describe('AlertStore list index: a page reads about its own size of alerts', () => {
  let dir: string;
  let state: SqliteStateStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-alert-index-'));
    state = new SqliteStateStore(join(dir, 'state.db'));
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 0, minute)).toISOString();

  it('reads 25 alerts for a page of 10 of 300, and pages to the end in order without a full read', async () => {
    const writer = new AlertStore(state);
    // A fresh deployment: its first list builds the (empty) index once.
    expect(await writer.list()).toEqual([]);
    for (let i = 0; i < 300; i++) await writer.create(alert(`a${String(i).padStart(3, '0')}`, at(i)));
    const { store, reads } = counting(state);
    const alerts = new AlertStore(store);
    const first = await alerts.page({ limit: 10 });
    expect(first.alerts.map((a) => a.id)).toEqual(
      Array.from({ length: 10 }, (_, k) => `a${String(299 - k).padStart(3, '0')}`),
    );
    expect(reads).toEqual({ gets: 25, queries: 0 });
    const seen: string[] = [...first.alerts.map((a) => a.id)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await alerts.page({ limit: 100 }, cursor);
      seen.push(...page.alerts.map((a) => a.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, k) => `a${String(299 - k).padStart(3, '0')}`));
    expect(reads.queries).toBe(0);
    // `since` stops at the first older entry: 5 alerts are new enough, and only they are read.
    reads.gets = 0;
    expect((await alerts.list({ since: at(295) })).map((a) => a.id)).toEqual([
      'a299',
      'a298',
      'a297',
      'a296',
      'a295',
    ]);
    expect(reads.gets).toBe(5);
    // Background passes that look at every alert (routing, resolutions) read the partition once.
    reads.gets = 0;
    reads.queries = 0;
    expect((await alerts.all()).length).toBe(300);
    expect(reads).toEqual({ gets: 0, queries: 1 });
  });

  it('builds the index once for alerts stored before it existed', async () => {
    // As an older version stored them: the alert items only.
    for (const [id, minute] of [
      ['old1', 5],
      ['old2', 7],
    ] as const)
      await state.put('alert', id, alert(id, at(minute)));
    const alerts = new AlertStore(state);
    expect((await alerts.list()).map((a) => a.id)).toEqual(['old2', 'old1']);
    expect(await state.get('alert-meta', 'alert-seen-index')).toBeDefined();
    await alerts.create(alert('new', at(6)));
    expect((await new AlertStore(state).list()).map((a) => a.id)).toEqual(['old2', 'new', 'old1']);
  });

  it('moves a merged alert to its new place and lists it once, skipping an entry left by a lost race', async () => {
    const alerts = new AlertStore(state);
    for (const [id, minute] of [
      ['x', 1],
      ['y', 2],
      ['z', 3],
    ] as const)
      await alerts.create(alert(id, at(minute)));
    const x = await alerts.getVersioned('x');
    if (!x) throw new Error('x missing');
    expect(await alerts.replace({ ...x.alert, lastSeen: at(9) }, x.version, x.alert)).toBe(true);
    expect((await alerts.list()).map((a) => a.id)).toEqual(['x', 'z', 'y']);
    expect((await state.query('alert-seen')).map((i) => i.sk)).toEqual([
      `${at(2)}#y`,
      `${at(3)}#z`,
      `${at(9)}#x`,
    ]);
    // A writer that read y at an old version indexes y's new place, then loses the race.
    const y = await alerts.getVersioned('y');
    if (!y) throw new Error('y missing');
    await alerts.assign('y', 'carol@example.com', 'admin', NOW);
    expect(await alerts.replace({ ...y.alert, lastSeen: at(20) }, y.version, y.alert)).toBe(false);
    expect((await alerts.list()).map((a) => a.id)).toEqual(['x', 'z', 'y']);
  });
});
