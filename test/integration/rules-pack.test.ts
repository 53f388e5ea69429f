import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuleFiles, SHIPPED_SIGMA } from '../../bin/commands/rules-files.js';
import { testRules } from '../../bin/commands/rules-test.js';
import { DuckDbQueryEngine } from '../../lambdas/adapters/duckdb/query-engine.js';
import { loadSqlRules } from '../../lambdas/adapters/local/rule-files.js';
import {
  attackTags,
  CLOUD_TACTICS,
  columnNameProblem,
  lintPack,
  loadPack,
  type Pack,
  type RuleTestResult,
  sqlRuleColumnProblems,
} from '../../lambdas/core/rulepack/index.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';

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

/**
 * Athena returns result column names in lower case (and `_col<n>` for an expression without an
 * alias); DuckDB keeps aliases as written. Evidence rows are keyed by these names and alert ids hash
 * the evidence, so every SQL rule must name its columns alike on both: in lower case.
 */
describe('the shipped SQL rules (rules/sql) name their result columns as Athena does', () => {
  let dir: string;
  let engine: DuckDbQueryEngine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-sql-columns-'));
    engine = await DuckDbQueryEngine.open({ lakeRoot: join(dir, 'lake'), tables: TABLES });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every shipped SQL rule aliases its columns in lower case', async () => {
    const loaded = await loadSqlRules(
      [{ dir: 'rules/sql', idPrefix: 'sql/', displayPrefix: 'rules/sql/' }],
      TABLES.map((t) => t.name),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.rules.length).toBeGreaterThan(0);
    expect(await sqlRuleColumnProblems(engine, loaded.rules)).toEqual([]);
  });

  it('refuses a mixed-case alias and an expression without an alias, naming file and column', async () => {
    const query = `WITH f AS (SELECT sourceipaddress AS sourceIPAddress FROM cloudtrail)
      SELECT sourceIPAddress, count(*), count(*) AS events, eventName FROM f JOIN cloudtrail USING (sourceipaddress) GROUP BY 1, 4`;
    expect(await sqlRuleColumnProblems(engine, [{ file: 'rules/sql/x.yaml', query }])).toEqual([
      'rules/sql/x.yaml query: result column "sourceIPAddress" is not lower case: Athena returns it as "sourceipaddress" while DuckDB keeps "sourceIPAddress", so alert evidence and ids would differ between AWS and local: alias it in lower case (AS sourceipaddress)',
      'rules/sql/x.yaml query: result column "count_star()" is not a plain lower-case name (an expression without an alias?): Athena would name it _col<n>: give it a lower-case alias',
    ]);
    // A column named by reference takes the table's (lower-case) name whatever case the query uses.
    expect(columnNameProblem('eventname')).toBeUndefined();
    expect(columnNameProblem('useridentity.arn')).toBeUndefined();
  });
});
