import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { RuleOverrides } from '../../lambdas/core/rulepack/overrides.js';

describe('rule enable/disable overrides reach detection', () => {
  let home: string;
  let runtime: LocalRuntime;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'mantissa-overrides-'));
    runtime = new LocalRuntime(home);
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('disables a shipped SQL rule and a Sigma rule, and enables them again when the override goes', async () => {
    const before = await runtime.rules(true);
    const sigmaRule = before.sigma.events.find((r) => r.enabled && r.sigmaId);
    expect(sigmaRule).toBeDefined();
    expect(before.rules.find((r) => r.id === 'sql/cloudtrail/root-account-use')?.enabled).toBe(true);

    const overrides = new RuleOverrides(runtime.state, runtime.clock);
    await overrides.set('sql/cloudtrail/root-account-use', false, 'test');
    await overrides.set(sigmaRule?.sigmaId as string, false, 'test');
    const after = await runtime.rules(true);
    expect(after.rules.find((r) => r.id === 'sql/cloudtrail/root-account-use')?.enabled).toBe(false);
    expect(after.sigma.events.find((r) => r.id === sigmaRule?.id)?.enabled).toBe(false);

    await overrides.clear('sql/cloudtrail/root-account-use');
    expect(
      (await runtime.rules(true)).rules.find((r) => r.id === 'sql/cloudtrail/root-account-use')?.enabled,
    ).toBe(true);
  });
});
