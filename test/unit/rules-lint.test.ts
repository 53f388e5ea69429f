import { describe, expect, it } from 'vitest';
import { CHECKS, type Finding, lintFiles, loadPack } from '../../lambdas/core/rulepack/index.js';

const CT_EVENT =
  '{"eventVersion": "1.09", "eventTime": "2026-11-20T10:00:00Z", "eventID": "e1", "eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com"}';

/** A CloudTrail rule that passes every check, with parts replaceable by the test. */
function ruleText(
  parts: { detection?: string; tags?: string; tests?: string; extra?: string; id?: string } = {},
): string {
  return [
    'title: Trail stopped',
    `id: ${parts.id ?? '7d3c5f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f'}`,
    'status: test',
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    parts.detection ??
      '  sel: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}\n  condition: sel',
    'tags:',
    parts.tags ?? '  - attack.defense-evasion\n  - attack.t1562.008',
    'falsepositives: [planned changes]',
    'level: high',
    parts.extra ?? '',
    parts.tests ??
      `tests:\n  match:\n    - ${CT_EVENT}\n  no_match:\n    - ${CT_EVENT.replace('StopLogging', 'StartLogging')}`,
  ].join('\n');
}

const lint = (text: string, path = 'rules/x.yml'): Finding[] => lintFiles([{ path, text }]).findings;
const brief = (fs: Finding[]) =>
  fs.map((f) => ({ check: f.check, severity: f.severity, line: f.line, field: f.field }));

describe('rules lint', () => {
  it('a complete rule has no findings, and every check is registered once', () => {
    expect(lint(ruleText())).toEqual([]);
    expect(new Set(CHECKS.map((c) => c.name)).size).toBe(CHECKS.length);
  });

  it('unknown modifier: named with its line and field', () => {
    const fs = lint(ruleText({ detection: '  sel:\n    eventName|contanis: Stop\n  condition: sel' }));
    expect(brief(fs)).toEqual([
      { check: 'unknown-modifier', severity: 'error', line: 7, field: 'detection.sel.eventName|contanis' },
    ]);
    expect(fs[0]?.message).toBe("unknown modifier 'contanis'");
  });

  it('unknown field for the logsource: checked against the table schema through the pipeline', () => {
    const fs = lint(
      ruleText({ detection: '  sel:\n    eventSource: x\n    evntName: StopLogging\n  condition: sel' }),
    );
    expect(brief(fs)).toEqual([
      { check: 'unknown-field', severity: 'error', line: 8, field: 'detection.sel.evntName' },
    ]);
    expect(fs[0]?.message).toBe("field 'evntName' is not a column of table cloudtrail");
    // Case differs from the column, and a path into JSON text: both fine.
    expect(
      lint(
        ruleText({
          detection: '  sel:\n    EVENTNAME: x\n    requestParameters.anyKey: y\n  condition: sel',
        }),
      ),
    ).toEqual([]);
    // A struct field that does not exist.
    expect(
      brief(lint(ruleText({ detection: '  sel:\n    userIdentity.nope: x\n  condition: sel' }))),
    ).toEqual([
      { check: 'unknown-field', severity: 'error', line: 7, field: 'detection.sel.userIdentity.nope' },
    ]);
  });

  it('a logsource without a pipeline is a warning, not an error', () => {
    const text = ruleText().replace(
      '{product: aws, service: cloudtrail}',
      '{product: windows, category: process_creation}',
    );
    expect(brief(lint(text))).toEqual([
      { check: 'no-pipeline', severity: 'warning', line: 1, field: 'logsource' },
    ]);
  });

  it('invalid and catastrophic regular expressions', () => {
    expect(
      brief(lint(ruleText({ detection: "  sel:\n    eventName|re: '(unclosed'\n  condition: sel" }))),
    ).toEqual([{ check: 'regex-invalid', severity: 'error', line: 7, field: 'detection.sel.eventName|re' }]);
    const slow = lint(ruleText({ detection: "  sel:\n    userAgent|re: '^([a-z]+ ?)+$'\n  condition: sel" }));
    expect(brief(slow)).toEqual([
      { check: 'regex-slow', severity: 'error', line: 7, field: 'detection.sel.userAgent|re' },
    ]);
    expect(slow[0]?.message).toContain('nested quantifier "([a-z]+ ?)+"');
    // A safe expression: only T-SQL, which has no regex predicate, objects.
    const safe = lint(ruleText({ detection: "  sel:\n    userAgent|re: '^aws-cli/2\\.'\n  condition: sel" }));
    expect(safe.map((f) => [f.check, f.severity, f.message])).toEqual([
      ['convert', 'warning', "tsql: the tsql dialect has no regular-expression predicate ('re' modifier)"],
    ]);
  });

  it('ATT&CK tags: a tactic and a technique are expected; unknown attack tags are named', () => {
    expect(brief(lint(ruleText({ tags: '  - cloud' })))).toEqual([
      { check: 'attack-tags', severity: 'warning', line: 1, field: 'tags' },
      { check: 'attack-tags', severity: 'warning', line: 1, field: 'tags' },
    ]);
    const fs = lint(
      ruleText({ tags: '  - attack.defense_evasion\n  - attack.t1562.008\n  - attack.evasion' }),
    );
    expect(fs.map((f) => f.message)).toEqual([
      "'attack.evasion' is neither an ATT&CK tactic nor a technique id",
    ]);
  });

  it('missing tests, missing near miss, malformed tests', () => {
    expect(lint(ruleText({ tests: '' })).map((f) => [f.check, f.message])).toEqual([
      ['tests-missing', 'no test events (add tests.match and tests.no_match)'],
    ]);
    expect(brief(lint(ruleText({ tests: `tests:\n  match:\n    - ${CT_EVENT}` })))).toEqual([
      { check: 'tests-missing', severity: 'warning', line: 14, field: 'tests.no_match' },
    ]);
    // Malformed tests are an error; the rule then counts as having none.
    expect(brief(lint(ruleText({ tests: 'tests:\n  match: [1]' })))).toEqual([
      { check: 'tests-format', severity: 'error', line: 15, field: 'tests.match[0]' },
      { check: 'tests-missing', severity: 'warning', line: 1, field: undefined },
    ]);
    expect(brief(lint(ruleText({ tests: 'tests:\n  matches: []' })))[0]).toEqual({
      check: 'tests-format',
      severity: 'error',
      line: 15,
      field: 'tests.matches',
    });
  });

  it('metadata: id, falsepositives, deprecated', () => {
    const text = ruleText({ id: 'not-a-uuid' })
      .replace('falsepositives: [planned changes]\n', '')
      .replace('status: test', 'status: deprecated');
    expect(lint(text).map((f) => [f.check, f.field, f.message])).toEqual([
      ['metadata', 'id', "id 'not-a-uuid' is not a UUID"],
      ['falsepositives', 'falsepositives', 'no falsepositives note'],
      ['metadata', 'status', 'rule is deprecated'],
    ]);
  });

  it('parse errors and duplicate ids across files, with file and line', () => {
    const report = lintFiles([
      { path: 'a.yml', text: ruleText() },
      { path: 'b.yml', text: ruleText() },
      { path: 'c.yml', text: 'title: x\nlogsource: {product: aws}\ndetection:\n  condition: 42\n' },
    ]);
    expect(report.findings.map((f) => [f.check, f.file, f.line, f.field])).toEqual([
      ['parse', 'c.yml', 4, 'detection.condition'],
      ['duplicate-id', 'b.yml', 1, 'id'],
    ]);
    expect(report).toMatchObject({ files: 3, rules: 2, errors: 2, warnings: 0 });
  });

  it('conversion: a correlation naming a rule that is not in the pack is an error', () => {
    const corr = [
      'title: Burst',
      'id: 0e8f7c6d-5b4a-4392-8170-6f5e4d3c2b1a',
      'correlation: {type: event_count, rules: [missing_rule], group-by: [sourceIPAddress], timespan: 5m, condition: {gte: 3}}',
      'tags: [attack.discovery, attack.t1580]',
      'falsepositives: [none]',
      'level: low',
      'tests: {match: [{a: 1}], no_match: [{a: 2}]}',
    ].join('\n');
    const fs = lint(corr, 'corr.yml');
    expect(fs.map((f) => [f.check, f.severity])).toEqual([
      ['convert', 'error'],
      ['convert', 'error'],
      ['convert', 'warning'],
      ['convert', 'warning'],
    ]);
    expect(fs[0]?.message).toBe(
      "duckdb: correlation.rules: correlation refers to rule 'missing_rule', which is not among the rules given",
    );
  });

  it('strict turns warnings into errors', () => {
    const report = lintFiles([{ path: 'x.yml', text: ruleText({ tests: '' }) }], { strict: true });
    expect(report).toMatchObject({ errors: 1, warnings: 0 });
  });

  it('loadPack keeps each document with its tests and line', () => {
    const pack = loadPack([
      {
        path: 'x.yml',
        text: `${ruleText()}\n---\n${ruleText({ id: '11111111-2222-4333-8444-555555555555', tests: '' })}`,
      },
    ]);
    expect(pack.entries.map((e) => [e.rule.id, e.line, e.tests?.match.length])).toEqual([
      ['7d3c5f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', 1, 1],
      ['11111111-2222-4333-8444-555555555555', 20, undefined],
    ]);
  });
});
