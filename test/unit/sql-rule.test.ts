import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseSqlRule } from '../../lambdas/core/rules/sql-rule.js';

const guideRule = readFileSync('test/fixtures/rules/suspicious-login-pattern.yaml', 'utf8');

describe('parseSqlRule', () => {
  it('reads the getting-started guide’s example rule as written', () => {
    const rule = parseSqlRule('custom/suspicious-logins.yaml', 'custom/suspicious-logins', guideRule);
    expect(rule).toMatchObject({
      id: 'custom/suspicious-logins',
      name: 'Suspicious Login Pattern',
      enabled: true,
      severity: 'high',
      category: 'access',
      threshold: { count: 1, window: 3_600_000 },
      metadata: { mitre_attack: ['T1110'], tags: ['authentication', 'brute-force'] },
    });
    expect(rule.query).toContain('FROM cloudtrail');
  });

  it.each([
    [
      'name: x\nseverity: high\nquery: SELECT 1\nthreshold: {count: 0}\n',
      'r.yaml: threshold.count: Too small',
    ],
    ['name: x\nseverity: urgent\nquery: SELECT 1\n', 'r.yaml: severity: Invalid option'],
    [
      'name: x\nseverity: high\nquery: SELECT 1\nthreshold: {window: 5 minutes}\n',
      'r.yaml: threshold.window',
    ],
    ['name: x\nseverity: high\nquery: SELECT 1\nowner: me\n', 'r.yaml: owner: unknown field'],
    ['severity: high\nquery: SELECT 1\n', 'r.yaml: name:'],
    ['name: [unclosed\n', 'r.yaml: invalid YAML'],
  ])('names the file and field of a bad rule (%#)', (text, expected) => {
    expect(() => parseSqlRule('r.yaml', 'r', text)).toThrow(expected);
  });

  it('parses durations', () => {
    expect([parseDuration('30s'), parseDuration('5m'), parseDuration('1h'), parseDuration('7d')]).toEqual([
      30_000, 300_000, 3_600_000, 604_800_000,
    ]);
  });
});
