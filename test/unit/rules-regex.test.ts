import { describe, expect, it } from 'vitest';
import { checkRegex, nestedQuantifier, probeBacktracking } from '../../lambdas/core/rulepack/index.js';

describe('nested quantifier scan', () => {
  it.each([
    ['(a+)+$', '(a+)+'],
    ['^(\\w+\\s?)*$', '(\\w+\\s?)*'],
    ['x(?:[a-z]*,)+y', '(?:[a-z]*,)+'],
    ['((ab)*c)+', '((ab)*c)+'],
    ['(a{2,})*', '(a{2,})*'],
    ['(.*a){3,}', '(.*a){3,}'],
  ])('flags %s', (source, text) => {
    expect(nestedQuantifier(source)?.text).toBe(text);
  });

  it.each([
    '"Action"\\s*:\\s*(\\[\\s*)?"\\*"',
    '^(ab|cd)+$',
    '(a+)',
    '[(a+)+]',
    '\\(a+\\)+',
    '(a{1,1})+',
    '/machineTypes/(a2|a3|g2)-',
  ])('leaves %s alone', (source) => {
    expect(nestedQuantifier(source)).toBeUndefined();
  });
});

describe('backtracking probe', () => {
  it('finds exponential backtracking that has no nested quantifier: overlapping alternation', () => {
    const slow = probeBacktracking(/^(a|aa)+$/, 20);
    expect(slow?.input).toMatch(/^"a" x \d+ \+ NUL$/);
    expect(slow?.ms).toBeGreaterThan(20);
  });
  it('passes linear expressions quickly', () => {
    const started = performance.now();
    expect(probeBacktracking(/^[a-z0-9.-]+@example\.com$/i, 200)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
  it('checkRegex reports both findings, with the expression flags applied', () => {
    const verdict = checkRegex('^(x+)+$', 'i', 20);
    expect(verdict.nested?.text).toBe('(x+)+');
    expect(verdict.slow?.input).toMatch(/^"x" x \d+ \+ NUL$/);
    expect(checkRegex('^ab+c$', '', 200)).toEqual({});
  });
});
