import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { AlertStore } from '../../lambdas/core/alerts/store.js';
import { type Match, raiseMatches } from '../../lambdas/core/detection/raise.js';
import type { AlertRule } from '../../lambdas/core/rules/rule.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const event = (id: string, minutes: number, user = 'alice'): Match => ({
  row: { event_id: id, ts: at(minutes), useridentity: { username: user }, sourceipaddress: '192.0.2.7' },
  firstSeen: at(minutes),
  lastSeen: at(minutes),
});

const base: AlertRule = {
  id: 'sigma/denied',
  name: 'Denied',
  description: '',
  severity: 'low',
  category: 'threat',
  mitreAttack: [],
  tags: [],
  dedupDefault: 'entities',
  dedupWindowMs: 10 * 60_000,
  threshold: 1,
  matchIdentity: 'event',
};

describe('raiseMatches: Matano deduplication_window and threshold', () => {
  let dir: string;
  let state: SqliteStateStore;
  let alerts: AlertStore;
  const raise = (rule: AlertRule, matches: Match[]) =>
    raiseMatches({ alerts, state }, rule, matches, new Date(T0 + 3_600_000));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-raise-'));
    state = new SqliteStateStore(join(dir, 'state.db'));
    alerts = new AlertStore(state);
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('merges matches within the window into one alert, opens a new one after it, never counts a match twice', async () => {
    const first = await raise(base, [event('e1', 0), event('e2', 5)]);
    expect(first.raised.map((a) => [a.count, a.eventIds, a.title])).toEqual([
      [2, ['e1', 'e2'], 'Denied: user=alice ip=192.0.2.7'],
    ]);
    const within = await raise(base, [event('e2', 5), event('e3', 14)]);
    expect(within.updated.map((a) => [a.id, a.count, a.lastSeen])).toEqual([
      [first.raised[0]?.id, 3, at(14)],
    ]);
    const after = await raise(base, [event('e4', 30)]);
    expect(after.raised.map((a) => a.count)).toEqual([1]);
    const other = await raise(base, [event('e5', 31, 'bob')]);
    expect(other.raised.map((a) => a.entities.user)).toEqual([['bob']]);
    expect(await raise(base, [event('e1', 0), event('e3', 14)])).toEqual({
      raised: [],
      updated: [],
      suppressed: 0,
      held: 0,
    });
  });

  it('puts each match in exactly one alert when a later call sees matches several alerts already hold', async () => {
    // As the real-time path does, batch by batch: two alerts, 3 hours apart.
    const early = (await raise(base, [event('e1', 0)])).raised[0];
    const late = (await raise(base, [event('e9', 180)])).raised[0];
    // The scheduled scan then sees both batches at once, plus one event next to each.
    const scan = await raise(base, [event('e1', 0), event('e2', 5), event('e9', 180), event('e10', 181)]);
    expect(scan.raised).toEqual([]);
    expect(scan.updated.map((a) => [a.id, a.eventIds])).toEqual([
      [late?.id, ['e9', 'e10']],
      [early?.id, ['e1', 'e2']],
    ]);
    // Out of order: a match older than every alert, beyond the window of all, starts its own.
    expect((await raise(base, [event('e0', -120), event('e9', 180)])).raised.map((a) => a.eventIds)).toEqual([
      ['e0'],
    ]);
    const all = await alerts.list();
    expect(all.map((a) => a.eventIds)).toEqual([['e9', 'e10'], ['e1', 'e2'], ['e0']]);
  });

  it('does not merge into a resolved alert', async () => {
    const [alert] = (await raise(base, [event('e1', 0)])).raised;
    await alerts.setStatus(alert?.id as string, 'resolved', 'x', new Date());
    expect((await raise(base, [event('e2', 1)])).raised.map((a) => a.eventIds)).toEqual([['e2']]);
  });

  it('holds matches until `threshold` fall within one window, across calls, dropping those that age out', async () => {
    const rule = { ...base, threshold: 3 };
    expect(await raise(rule, [event('e1', 0), event('e2', 1)])).toMatchObject({ raised: [], held: 2 });
    // e1 and e2 are more than 10 minutes before e3: they no longer count towards the threshold.
    expect(await raise(rule, [event('e3', 20)])).toMatchObject({ raised: [], held: 1 });
    expect(await raise(rule, [event('e3', 20), event('e4', 21)])).toMatchObject({ raised: [], held: 2 });
    const reached = await raise(rule, [event('e5', 25)]);
    expect(reached.raised.map((a) => [a.count, a.eventIds, a.firstSeen])).toEqual([
      [3, ['e3', 'e4', 'e5'], at(20)],
    ]);
    expect(await state.query('threshold')).toEqual([]);
    expect((await raise(rule, [event('e6', 26)])).updated.map((a) => a.count)).toEqual([4]);
  });

  it('dedups SQL result rows by their text columns, or by dedup fields given as paths', async () => {
    const sql: AlertRule = { ...base, dedupDefault: 'columns', matchIdentity: 'row' };
    const row = (user: string, n: number): Match => ({
      row: { user_name: user, failures: n },
      firstSeen: at(0),
      lastSeen: at(1),
    });
    const out = await raise(sql, [row('bob', 5), row('bob', 6), row('eve', 5)]);
    expect(out.raised.map((a) => [a.title, a.count])).toEqual([
      ['Denied: user_name=bob', 2],
      ['Denied: user_name=eve', 1],
    ]);
    // A correlation's group-by column is named with the whole dotted Sigma field.
    const corr = { ...sql, id: 'c', dedupFields: ['userIdentity.arn'] };
    const grouped = await raise(corr, [
      { row: { 'userIdentity.arn': 'a', event_count: 9 }, firstSeen: at(0), lastSeen: at(5) },
      { row: { 'userIdentity.arn': 'b', event_count: 7 }, firstSeen: at(0), lastSeen: at(5) },
    ]);
    expect(grouped.raised.map((a) => [a.title, a.entities])).toEqual([
      ['Denied: userIdentity.arn=a', { user: ['a'] }],
      ['Denied: userIdentity.arn=b', { user: ['b'] }],
    ]);
    const byPath = await raise({ ...base, id: 'p', dedupFields: ['useridentity.username'] }, [
      event('x1', 0),
      event('x2', 1, 'bob'),
    ]);
    expect(byPath.raised.map((a) => a.title)).toEqual([
      'Denied: useridentity.username=alice',
      'Denied: useridentity.username=bob',
    ]);
  });
});
