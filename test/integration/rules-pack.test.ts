import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRuleFiles, SHIPPED_SIGMA } from '../../bin/commands/rules-files.js';
import { testRules } from '../../bin/commands/rules-test.js';
import {
  attackTags,
  CLOUD_TACTICS,
  lintPack,
  loadPack,
  type Pack,
  type RuleTestResult,
} from '../../lambdas/core/rulepack/index.js';

/** The shipped rule pack, end to end: every rule's test events through the real ingest, DuckDB and the matcher. */
describe('the shipped Sigma rule pack (rules/sigma)', () => {
  let pack: Pack;
  let results: RuleTestResult[];
  beforeAll(async () => {
    pack = loadPack(await readRuleFiles([SHIPPED_SIGMA]));
    results = await testRules(pack.entries);
  }, 180_000);

  it('every rule passes its tests: SQL selects exactly the match events, the matcher agrees', () => {
    const failed = results.filter((r) => r.status !== 'pass');
    expect(failed.map((r) => ({ id: r.id, status: r.status, failures: r.failures }))).toEqual([]);
    expect(results.length).toBe(pack.entries.length);
    // Every rule has a match and a near miss, so every rule exercised both outcomes.
    expect(results.every((r) => r.events >= 2)).toBe(true);
  });

  it('lints clean: no errors, and no warnings but T-SQL having no regex predicate', () => {
    const findings = lintPack(pack).filter(
      (f) => !(f.check === 'convert' && f.severity === 'warning' && f.message.startsWith('tsql:')),
    );
    expect(findings).toEqual([]);
  });

  it('has at least 80 rules, one per file, each with ATT&CK tags, a falsepositives note and a level', () => {
    expect(pack.entries.length).toBeGreaterThanOrEqual(80);
    expect(new Set(pack.entries.map((e) => e.file)).size).toBe(pack.entries.length);
    for (const e of pack.entries) {
      const tags = attackTags(e.rule.tags);
      expect.soft(tags.tactics.length, e.file).toBeGreaterThan(0);
      expect.soft(tags.techniques.length, e.file).toBeGreaterThan(0);
      expect.soft(e.rule.falsepositives.length, e.file).toBeGreaterThan(0);
      expect.soft(e.rule.level, e.file).toBeDefined();
      expect.soft(e.rule.author, e.file).toBe('Mantissa Log');
    }
  });

  it('covers every cloud ATT&CK tactic from Initial Access to Impact', () => {
    const covered = new Set(pack.entries.flatMap((e) => attackTags(e.rule.tags).tactics));
    expect(CLOUD_TACTICS.filter((t) => !covered.has(t))).toEqual([]);
  });

  it('has correlations for brute force, password spray, MFA fatigue and enumeration bursts', () => {
    const correlations = pack.entries.filter((e) => e.rule.kind === 'correlation');
    const techniques = new Set(correlations.flatMap((e) => attackTags(e.rule.tags).techniques));
    for (const t of ['T1110.001', 'T1110.003', 'T1621', 'T1580']) expect(techniques).toContain(t);
    // Each source that has them keeps them next to its other rules.
    const files = correlations.map((e) => e.file.replace(/^.*rules\/sigma\//, ''));
    expect(files).toEqual(
      expect.arrayContaining(['cloudtrail/aws_console_brute_force.yml', 'okta/okta_mfa_fatigue.yml']),
    );
  });

  it('is our own writing: no rule carries a SigmaHQ id or author', () => {
    for (const e of pack.entries) {
      const text = readFileSync(e.file, 'utf8');
      expect.soft(text, e.file).not.toMatch(/^author:.*(Nasreddine|Florian Roth|SigmaHQ)/m);
      expect.soft(text, e.file).not.toMatch(/^related:/m);
    }
  });
});
