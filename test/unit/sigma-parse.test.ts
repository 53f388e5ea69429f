import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../lambdas/core/sigma/condition.js';
import { convertRule, parseRules, SigmaError } from '../../lambdas/core/sigma/index.js';

const parseError = (text: string): string => {
  try {
    parseRules(text, 'rule.yml');
  } catch (err) {
    if (err instanceof SigmaError) return err.message;
    throw err;
  }
  return 'parsed';
};

describe('parseRules', () => {
  it('reads metadata, logsource, selections and the condition', () => {
    const [rule] = parseRules(
      'title: T\nid: x\nstatus: test\nlevel: high\ntags: [attack.t1]\nfalsepositives: Admins\nrelated:\n  - {id: y, type: derived}\nlogsource: {product: aws}\ndetection:\n  sel: {a: 1}\n  keywords: [evil]\n  condition: sel or keywords\n',
    );
    expect(rule?.kind).toBe('detection');
    if (rule?.kind !== 'detection') return;
    expect(rule.falsepositives).toEqual(['Admins']);
    expect(rule.related).toEqual([{ id: 'y', type: 'derived' }]);
    expect(rule.detection.condition).toEqual({
      kind: 'or',
      children: [
        { kind: 'ref', name: 'sel' },
        { kind: 'ref', name: 'keywords' },
      ],
    });
  });

  it('names file, line and field in errors', () => {
    expect(parseError('title: T\nlevel: severe\nlogsource: {}\ndetection: {condition: x}\n')).toBe(
      'rule.yml:2 level: Invalid option: expected one of "informational"|"low"|"medium"|"high"|"critical"',
    );
    expect(
      parseError('title: T\nlogsource: {}\ndetection:\n  sel:\n    a|contains: {x: 1}\n  condition: sel\n'),
    ).toBe('rule.yml:5 detection.sel.a|contains: a field value must be a scalar or a list of scalars');
    expect(parseError('title: T\nlogsource: {}\ndetection:\n  sel: {a: 1}\n  condition: sel and (\n')).toBe(
      "rule.yml:5 detection.condition: condition 'sel and (' ends where an identifier was expected",
    );
    expect(
      parseError('title: T\nlogsource: {}\ndetection:\n  sel: {a: 1}\n  timeframe: 5x\n  condition: sel\n'),
    ).toBe("rule.yml:5 detection.timeframe: bad duration '5x'");
    expect(parseError('title: [\n')).toBe('rule.yml:2: invalid YAML: deficient indentation');
  });

  it('reports modifier errors at the item', () => {
    const r = convertRule(
      'title: T\nlogsource: {product: x}\ndetection:\n  sel:\n    a|base64: "a*"\n  condition: sel\n',
      {
        dialect: 'duckdb',
        pipeline: false,
        table: 't',
        file: 'm.yml',
      },
    );
    expect(r).toEqual({
      id: 'T',
      error: "m.yml:5 detection.sel.a|base64: modifier 'base64' cannot encode wildcards or placeholders",
    });
  });

  it('parses correlation rules with aliases', () => {
    const [c] = parseRules(
      'title: C\ncorrelation:\n  type: value_count\n  rules: [a]\n  group-by: [ip]\n  timespan: 1h\n  condition: {field: user, gte: 3}\n  aliases:\n    ip: {a: src.ip}\n',
    );
    expect(c).toMatchObject({
      kind: 'correlation',
      type: 'value_count',
      timespan: 3600,
      condition: { op: 'gte', value: 3, field: 'user' },
    });
  });
});

describe('condition grammar', () => {
  it('binds not over and over or, with parentheses and quantifiers', () => {
    expect(parseCondition('a or not b and (c or 1 of sel_*) and all of them').tree).toEqual({
      kind: 'or',
      children: [
        { kind: 'ref', name: 'a' },
        {
          kind: 'and',
          children: [
            { kind: 'not', child: { kind: 'ref', name: 'b' } },
            {
              kind: 'or',
              children: [
                { kind: 'ref', name: 'c' },
                { kind: 'of', quantifier: 'one', pattern: 'sel_*' },
              ],
            },
            { kind: 'of', quantifier: 'all', pattern: 'them' },
          ],
        },
      ],
    });
  });
  it('reads the Sigma 1 count() aggregation', () => {
    expect(parseCondition('sel | count(user) by ip > 5').aggregation).toEqual({
      function: 'count',
      field: 'user',
      groupBy: 'ip',
      op: 'gt',
      value: 5,
    });
  });
});
