import { describe, expect, it } from 'vitest';
import { testRules } from '../../bin/commands/rules-test.js';
import { loadPack } from '../../lambdas/core/rulepack/index.js';

const ev = (id: string, name: string, extra = '') =>
  `{"eventVersion": "1.09", "eventTime": "2026-11-20T10:0${id.slice(-1)}:00Z", "eventID": "${id}", "eventName": "${name}", "eventSource": "cloudtrail.amazonaws.com", "sourceIPAddress": "192.0.2.1"${extra}}`;

const rule = (id: string, detection: string, tests: string, extra = '') =>
  [
    'title: Trail stopped',
    `id: ${id}`,
    extra,
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    detection,
    'tests:',
    tests,
  ]
    .filter((l) => l !== '')
    .join('\n');

const STOP = '  sel: {eventName: StopLogging}\n  condition: sel';

async function run(files: Record<string, string>) {
  const pack = loadPack(Object.entries(files).map(([path, text]) => ({ path, text })));
  expect(pack.findings).toEqual([]);
  return testRules(pack.entries);
}

describe('rules test harness (real ingest, DuckDB, matcher)', () => {
  it('passes a correct rule and fails each kind of wrong test event, naming file, line and case', async () => {
    const results = await run({
      'ok.yml': rule(
        'r-ok',
        STOP,
        `  match:\n    - ${ev('a1', 'StopLogging')}\n  no_match:\n    - ${ev('a2', 'StartLogging')}`,
      ),
      'wrong.yml': rule(
        'r-wrong',
        STOP,
        `  match:\n    - ${ev('b1', 'StartLogging')}\n  no_match:\n    - ${ev('b2', 'StopLogging')}\n    - ${ev('b3', 'DeleteTrail')}`,
      ),
      'bad-record.yml': rule(
        'r-bad',
        STOP,
        `  match:\n    - ${ev('c1', 'StopLogging')}\n    - {"eventID": "c2", "eventName": "StopLogging", "eventSource": "x"}`,
      ),
      'dup.yml': rule(
        'r-dup',
        STOP,
        `  match:\n    - ${ev('d1', 'StopLogging')}\n  no_match:\n    - ${ev('d1', 'StartLogging')}`,
      ),
      'none.yml': rule('r-none', STOP, '  match: []'),
      'nopipe.yml': rule('r-nopipe', STOP, `  match:\n    - ${ev('e1', 'StopLogging')}`).replace(
        '{product: aws, service: cloudtrail}',
        '{product: windows}',
      ),
    });
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by['r-ok']).toMatchObject({ status: 'pass', failures: [], events: 2 });
    expect(by['r-wrong']?.failures).toEqual([
      'wrong.yml:9 tests.match[0]: must match, but the rule does not select it',
      'wrong.yml:11 tests.no_match[0]: must not match, but the rule selects it',
    ]);
    expect(by['r-bad']?.failures).toEqual([
      'bad-record.yml:10 tests.match[1]: cloudtrail would quarantine the record: missing or non-text required field eventTime',
    ]);
    expect(by['r-dup']?.failures[0]).toBe(
      'dup.yml:11 tests.no_match[0]: same event_id as tests.match[0]: give each test event its own id',
    );
    expect(by['r-none']).toMatchObject({ status: 'skip', events: 0 });
    expect(by['r-nopipe']?.status).toBe('fail');
    expect(by['r-nopipe']?.failures[0]).toMatch(
      /^nopipe\.yml:1 logsource: no source module writes the table of logsource/,
    );
  });

  it('passes a JSON path that holds an object (Athena gives its JSON text too), unless Java would respell a number in it', async () => {
    const params = (policy: string) => `, "requestParameters": {"bucketName": "b", "policy": ${policy}}`;
    const results = await run({
      'obj.yml': rule(
        'r-obj',
        '  sel: {requestParameters.policy|contains: \'"Effect":"Allow"\'}\n  condition: sel',
        [
          '  match:',
          `    - ${ev('j1', 'PutBucketPolicy', params('{"Statement": [{"Effect": "Allow", "Principal": "*"}]}'))}`,
          '  no_match:',
          `    - ${ev('j2', 'PutBucketPolicy', params('{"Statement": [{"Effect": "Deny"}]}'))}`,
        ].join('\n'),
      ),
      'num.yml': rule(
        'r-num',
        '  sel: {requestParameters.policy|contains: Allow}\n  condition: sel',
        `  match:\n    - ${ev('k1', 'PutBucketPolicy', params('{"Effect": "Allow", "Weight": 0.0001}'))}`,
      ),
    });
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by['r-obj']).toMatchObject({ status: 'pass', failures: [], events: 2 });
    expect(by['r-num']?.failures).toEqual([
      "num.yml:9 tests.match[0]: requestParameters.policy is an object here holding the number 0.0001, which Athena writes differently in its JSON text (Java's notation), so a test on that text may not match on AWS: test the number's own path, or the JSON column itself (requestparameters|contains or |re)",
    ]);
  });

  it('looks for Java-respelled numbers inside list elements too (Okta target[].detailEntry)', async () => {
    const okta = (uuid: string, detail: string) =>
      `{"uuid": "${uuid}", "published": "2026-11-20T10:00:00.000Z", "eventType": "policy.rule.update", "actor": {"id": "a", "type": "User"}, "target": [{"id": "t0", "type": "User"}, {"id": "t1", "type": "PolicyRule", "detailEntry": {"policy": ${detail}}}]}`;
    const text = (id: string, detail: string) =>
      [
        'title: Policy allows',
        `id: ${id}`,
        'logsource: {product: okta, service: okta}',
        'detection:',
        '  sel: {target.detailEntry.policy|contains: Allow}',
        '  condition: sel',
        'tests:',
        '  match:',
        `    - ${okta(`${id}-1`, detail)}`,
      ].join('\n');
    const results = await run({
      'plain.yml': text('o-plain', '{"Effect": "Allow", "Weight": 2}'),
      'java.yml': text('o-java', '{"Effect": "Allow", "Weight": 12345678.5}'),
    });
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by['o-plain']).toMatchObject({ status: 'pass', failures: [], events: 1 });
    expect(by['o-java']?.failures).toEqual([
      "java.yml:9 tests.match[0]: target.detailEntry.policy is an object here holding the number 12345678.5, which Athena writes differently in its JSON text (Java's notation), so a test on that text may not match on AWS: test the number's own path, or the JSON column itself (target.detailentry|contains or |re)",
    ]);
  });

  it('a correlation must fire on its match events together and stay silent on its near misses', async () => {
    const base = rule(
      'base',
      '  sel: {eventName: ConsoleLogin}\n  condition: sel',
      `  match:\n    - ${ev('f1', 'ConsoleLogin')}`,
      'name: logins',
    );
    const corr = (gte: number, ids: string) =>
      [
        'title: Burst',
        'id: burst',
        `correlation: {type: event_count, rules: [logins], group-by: [sourceIPAddress], timespan: 10m, condition: {gte: ${gte}}}`,
        'tests:',
        '  match:',
        ...['1', '2', '3'].map((i) => `    - ${ev(`${ids}${i}`, 'ConsoleLogin')}`),
        '  no_match:',
        ...['4', '5'].map((i) => `    - ${ev(`${ids}${i}`, 'ConsoleLogin')}`),
      ].join('\n');
    const ok = await run({ 'base.yml': base, 'burst.yml': corr(3, 'g') });
    expect(ok.map((r) => [r.id, r.status, r.failures])).toEqual([
      ['base', 'pass', []],
      ['burst', 'pass', []],
    ]);
    const tooHigh = await run({ 'base.yml': base, 'burst.yml': corr(4, 'h') });
    expect(tooHigh[1]?.failures).toEqual([
      'burst.yml:4 tests.match: the match events together must fire the correlation, but it returns no row',
    ]);
    const tooLow = await run({ 'base.yml': base, 'burst.yml': corr(2, 'i') });
    expect(tooLow[1]?.failures).toEqual([
      'burst.yml:4 tests.no_match: the no_match events together must not fire the correlation, but it returns 1 rows',
    ]);
  });
});
