import { describe, expect, it } from 'vitest';
import { sqlAlertRule } from '../../lambdas/core/rules/rule.js';
import { compileSigmaRules } from '../../lambdas/core/rules/sigma-rule.js';
import { parseSqlRule } from '../../lambdas/core/rules/sql-rule.js';

const sigma = (extra: string, level = 'high') => `title: Root used
id: 9b2a1d5e-0000-4000-8000-000000000001
level: ${level}
tags: [attack.privilege_escalation, attack.t1078.004, attack.s0002]
${extra}logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    userIdentity.type: Root
  condition: selection
`;
const compile = (text: string) =>
  compileSigmaRules([{ file: 'rules/sigma/root.yml', id: 'sigma/root', text }], 'duckdb');

describe('Sigma rules as detection rules', () => {
  it('maps level, ATT&CK tags and Mantissa’s custom attributes', () => {
    const { events, errors } = compile(
      sigma(
        'deduplication_window: 900\nthreshold: 4\nrealtime: false\ndedup_fields: [userIdentity.arn]\n',
        'informational',
      ),
    );
    expect(errors).toEqual([]);
    expect(events[0]).toMatchObject({
      id: 'sigma/root',
      name: 'Root used',
      severity: 'info',
      category: 'privilege-escalation',
      mitreAttack: ['T1078.004'],
      dedupWindowMs: 900_000,
      threshold: 4,
      realtime: false,
      enabled: true,
      dedupFields: ['useridentity.arn'],
      sigmaId: '9b2a1d5e-0000-4000-8000-000000000001',
      matchIdentity: 'event',
    });
    expect(compile(sigma('deduplication_window: 2h\nenabled: false\n')).events[0]).toMatchObject({
      dedupWindowMs: 7_200_000,
      enabled: false,
      threshold: 1,
      realtime: true,
    });
  });

  it.each([
    ['deduplication_window: 100000\n', 'rules/sigma/root.yml: deduplication_window: seconds from 1 to 86400'],
    ['deduplication_window: soon\n', 'rules/sigma/root.yml: deduplication_window: seconds, or a duration'],
    ['threshold: 0\n', 'rules/sigma/root.yml: threshold: an integer of at least 1'],
    ['realtime: maybe\n', 'rules/sigma/root.yml: realtime: true or false'],
  ])('reports a bad custom attribute with its file and field (%#)', (extra, message) => {
    const { events, errors } = compile(sigma(extra));
    expect([events.length, errors.map((e) => e.message)]).toEqual([0, [expect.stringContaining(message)]]);
  });

  it('refuses at load what the engine’s dialect cannot run', () => {
    const text = sigma('').replace('userIdentity.type: Root', "eventName|re: '(?=Stop)Logging'");
    expect(compile(text).errors.map((e) => e.message)).toEqual([
      expect.stringContaining('duckdb regular expressions (RE2) have no lookaround'),
    ]);
  });
});

describe('SQL rules’ dedup and threshold settings', () => {
  const rule = (extra: string) =>
    sqlAlertRule(parseSqlRule('r.yaml', 'sql/r', `name: R\nseverity: low\nquery: SELECT 1 AS x\n${extra}`));
  it('takes Matano’s deduplication_window in seconds or as a duration, defaulting to threshold.window', () => {
    expect([rule('').dedupWindowMs, rule('').threshold]).toEqual([3_600_000, 1]);
    expect(rule('threshold: {count: 5, window: 2h}\n')).toMatchObject({
      dedupWindowMs: 7_200_000,
      threshold: 5,
    });
    expect(rule('deduplication_window: 600\n').dedupWindowMs).toBe(600_000);
    expect(rule('deduplication_window: 30m\n').dedupWindowMs).toBe(1_800_000);
    expect(() => rule('deduplication_window: 90000\n')).toThrow('r.yaml: deduplication_window');
  });
});
