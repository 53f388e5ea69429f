import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { attackTags, RULE_OVERRIDES_PK, RuleOverrides } from '../../lambdas/core/rulepack/index.js';

describe('rule overrides (the contract detection honours)', () => {
  const state = new SqliteStateStore(':memory:');
  afterEach(async () => {
    for (const i of await state.query(RULE_OVERRIDES_PK)) await state.delete(i.pk, i.sk);
  });

  it('stores one item per rule id under pk rule-overrides, and the effective setting follows it', async () => {
    const o = new RuleOverrides(state, fixedClock(new Date('2026-11-21T12:00:00Z')));
    expect(await o.set('3f1c2d4e-0000-4000-8000-000000000001', false, 'cli')).toEqual({
      enabled: false,
      updatedAt: '2026-11-21T12:00:00.000Z',
      by: 'cli',
    });
    expect((await state.get(RULE_OVERRIDES_PK, '3f1c2d4e-0000-4000-8000-000000000001'))?.value).toEqual({
      enabled: false,
      updatedAt: '2026-11-21T12:00:00.000Z',
      by: 'cli',
    });
    const all = await o.all();
    expect(RuleOverrides.effective('3f1c2d4e-0000-4000-8000-000000000001', true, all)).toBe(false);
    expect(RuleOverrides.effective('sql/cloudtrail/root-account-use', true, all)).toBe(true);
    expect(RuleOverrides.effective('sql/cloudtrail/root-account-use', false, all)).toBe(false);
    await o.clear('3f1c2d4e-0000-4000-8000-000000000001');
    expect(await o.get('3f1c2d4e-0000-4000-8000-000000000001')).toBeUndefined();
  });
});

describe('ATT&CK tags', () => {
  it('reads tactics in both spellings, techniques upper-cased, and names what it does not know', () => {
    expect(
      attackTags([
        'attack.credential_access',
        'attack.defense-evasion',
        'attack.t1110.003',
        'attack.g0016',
        'attack.foo',
        'cve.2024',
      ]),
    ).toEqual({
      tactics: ['credential-access', 'defense-evasion'],
      techniques: ['T1110.003'],
      unknown: ['attack.foo'],
    });
  });
});
