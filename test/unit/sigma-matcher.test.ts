import { describe, expect, it } from 'vitest';
import { compileMatchers, parseRules, type Row } from '../../lambdas/core/sigma/index.js';

/** One rule, no pipeline: field names are the row's keys. */
function matcher(detection: string): (row: Row) => boolean {
  const rules = parseRules(`title: M\nlogsource: {product: x}\ndetection:\n${detection}`);
  const [m] = compileMatchers(rules, {
    pipeline: false,
    table: 't',
    keywordFields: ['msg'],
    placeholders: { nets: ['10.*', '192.168.?.1'] },
  });
  if (!m || !('match' in m)) throw new Error(m && 'error' in m ? m.error : 'no matcher');
  return m.match;
}

const table = (match: (row: Row) => boolean, cases: [Row, boolean][]) => {
  for (const [row, want] of cases) expect([row, match(row)]).toEqual([row, want]);
};

describe('matcher truth tables', () => {
  it('plain values: case-insensitive, numbers as numbers or text, null and missing', () => {
    table(matcher('  sel: {a: Hello, n: 42}\n  condition: sel\n'), [
      [{ a: 'hello', n: 42 }, true],
      [{ a: 'HELLO', n: '42' }, true],
      [{ a: 'hello', n: '42.0' }, false],
      [{ a: 'hello' }, false],
      [{ a: null, n: 42 }, false],
    ]);
  });
  it('not over a missing field is true', () => {
    table(matcher('  sel: {a: x}\n  condition: not sel\n'), [
      [{}, true],
      [{ a: null }, true],
      [{ a: 'X' }, false],
      [{ a: 'y' }, true],
    ]);
  });
  it('null values and exists', () => {
    table(matcher('  sel: {a: null}\n  e: {b|exists: true}\n  condition: sel and e\n'), [
      [{ b: 1 }, true],
      [{ a: '', b: 1 }, false],
      [{ a: null, b: null }, false],
    ]);
  });
  it('wildcards, escapes and unicode folding', () => {
    table(matcher("  sel: {a: 'İst?n*\\*'}\n  condition: sel\n"), [
      [{ a: 'istanbul*' }, true],
      [{ a: 'İSTANBUL*' }, true],
      [{ a: 'istanbul' }, false],
      [{ a: 'ist\nnxx*' }, true],
    ]);
  });
  it('cased, contains|all, startswith, endswith', () => {
    table(
      matcher(
        '  sel: {a|cased: AbC, b|contains|all: [x, y], c|startswith: pre, d|endswith: suf}\n  condition: sel\n',
      ),
      [
        [{ a: 'AbC', b: 'yax', c: 'PREfix', d: 'xSUF' }, true],
        [{ a: 'abc', b: 'yax', c: 'prefix', d: 'suf' }, false],
        [{ a: 'AbC', b: 'ya', c: 'prefix', d: 'suf' }, false],
      ],
    );
  });
  it('re with flags, gt/lte with numbers-as-text', () => {
    table(matcher("  sel: {r|re|i: '^ab+c$', n|gt: 10, m|lte: 2.5}\n  condition: sel\n"), [
      [{ r: 'ABBC', n: 11, m: '2.5' }, true],
      [{ r: 'abc', n: '10', m: 1 }, false],
      [{ r: 'abc', n: 'eleven', m: 1 }, false],
      [{ r: 'abc', n: '1e3', m: '-1' }, true],
    ]);
  });
  it('cidr v4 and v6', () => {
    table(matcher("  sel: {ip|cidr: [10.0.0.0/8, '2001:db8::/32']}\n  condition: sel\n"), [
      [{ ip: '10.255.0.1' }, true],
      [{ ip: '11.0.0.1' }, false],
      [{ ip: '010.0.0.1' }, false],
      [{ ip: '2001:DB8::1' }, true],
      [{ ip: '2001:db9::1' }, false],
      [{ ip: '2001:0db8:0:0:0:0:0:1' }, true],
    ]);
  });
  it('fieldref, windash, base64offset, wide|base64, expand, keywords', () => {
    table(matcher('  sel: {a|fieldref: b}\n  condition: sel\n'), [
      [{ a: 'X', b: 'x' }, true],
      [{ a: 'x' }, false],
    ]);
    table(matcher("  sel: {c|windash|contains: ' -enc '}\n  condition: sel\n"), [
      [{ c: 'ps /enc x' }, true],
      [{ c: 'ps \u2013enc x' }, true],
      [{ c: 'ps enc x' }, false],
    ]);
    table(matcher("  sel: {c|base64offset|contains: 'http'}\n  condition: sel\n"), [
      [{ c: btoa('xhttp://') }, true],
      [{ c: btoa('xxhttp://') }, true],
      [{ c: btoa('ftp://') }, false],
    ]);
    table(matcher("  sel: {c|wide|base64: 'ab'}\n  condition: sel\n"), [[{ c: 'YQBiAA==' }, true]]);
    table(matcher("  sel: {ip|expand: '%nets%'}\n  condition: sel\n"), [
      [{ ip: '10.1.2.3' }, true],
      [{ ip: '192.168.7.1' }, true],
      [{ ip: '192.168.77.1' }, false],
    ]);
    table(matcher('  keywords: [evil]\n  condition: keywords\n'), [
      [{ msg: 'an EVIL thing' }, true],
      [{ other: 'evil' }, false],
    ]);
  });
});
