/**
 * A deployment's own rules on AWS: `-c rulesDir=…` is checked at synth (as the functions will load
 * it, against the deployed tables) and copied beside the bundles of the functions that run rules;
 * the bundled rule loader finds it there.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { afterAll, describe, expect, test } from 'vitest';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { CustomRulesError, checkRulesDir } from '../../lib/custom-rules.js';
import { customRulesCopyCommand, MantissaFunction, PROJECT_ROOT } from '../../lib/functions.js';
import { MantissaStack } from '../../lib/mantissa-stack.js';
import { FIXTURE_HANDLERS } from './synth.js';

/** As a user names it on the command line: relative to where `cdk` runs (the repository root). */
const FIXTURE = 'test/cdk/fixtures/rules';
const TABLE_NAMES = TABLES.map((t) => t.name);

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mantissa-${name}-`));
  scratch.push(dir);
  return dir;
}

function synthWith(rulesDir?: string): MantissaStack {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], ...(rulesDir === undefined ? {} : { rulesDir }) },
  });
  const stack = new MantissaStack(app, 'MantissaLog', { handlers: FIXTURE_HANDLERS });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return stack;
}

const functionsOf = (stack: MantissaStack) =>
  Object.fromEntries(
    stack.node
      .findAll()
      .filter((c): c is MantissaFunction => c instanceof MantissaFunction)
      .map((f) => [f.node.path.replace(/^MantissaLog\//, ''), f.customRules ?? null]),
  );

describe('a rules folder given with -c rulesDir', () => {
  test('is checked at synth and goes beside the ingest, detection and API bundles only', () => {
    const stack = synthWith(FIXTURE);
    expect(stack.customRules).toEqual({
      source: join(PROJECT_ROOT, FIXTURE),
      dir: expect.stringContaining('mantissa-deployed-rules-'),
      ruleIds: ['local/team/root-by-ip', 'local/team/root-sign-in'],
    });
    const dir = stack.customRules?.dir;
    expect(functionsOf(stack)).toEqual({
      'Ingestion/Ingest': dir,
      'Detection/Detect': dir,
      'Alerting/Router': null,
      'Api/Handler': dir,
    });
    expect(functionsOf(synthWith())).toEqual({
      'Ingestion/Ingest': null,
      'Detection/Detect': null,
      'Alerting/Router': null,
      'Api/Handler': null,
    });
  });

  test('a rule that would not load on AWS fails synth, naming the file and the problem', () => {
    const dir = tempDir('bad-rules');
    cpSync(join(PROJECT_ROOT, FIXTURE), dir, { recursive: true });
    writeFileSync(
      join(dir, 'team', 'typo.yml'),
      'title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel: {eventNam: x}\n  condition: sel\n',
    );
    writeFileSync(
      join(dir, 'team', 'no-table.yaml'),
      'name: n\ndescription: d\nseverity: low\ncategory: access\nquery: SELECT 1 AS x FROM nowhere\n',
    );
    expect(() => checkRulesDir(dir, TABLE_NAMES)).toThrow(CustomRulesError);
    let message = '';
    try {
      checkRulesDir(dir, TABLE_NAMES);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')[0]).toBe('2 rule(s) would not load on AWS:');
    expect(message).toMatch(/no-table\.yaml.*query.*nowhere/);
    expect(message).toMatch(/typo\.yml.*eventNam.*not a column of table cloudtrail/);
  });

  test('only rule files are checked and shipped: nothing else of the folder reaches a function', () => {
    const folder = tempDir('mixed-rules');
    cpSync(join(PROJECT_ROOT, FIXTURE), folder, { recursive: true });
    writeFileSync(join(folder, 'README.md'), '# our rules\n');
    writeFileSync(join(folder, '.env'), 'SLACK_TOKEN=xoxb-not-for-lambda\n');
    writeFileSync(join(folder, 'team', 'root-sign-in.yml~'), 'an editor backup\n');
    const checked = checkRulesDir(folder, TABLE_NAMES);
    scratch.push(checked.dir);
    const files = (readdirSync(checked.dir, { recursive: true }) as string[]).sort();
    expect(files).toEqual(['team', 'team/root-by-ip.yaml', 'team/root-sign-in.yml']);
    expect(checked.ruleIds).toEqual(['local/team/root-by-ip', 'local/team/root-sign-in']);
  });

  test('a missing or empty folder is refused, naming the option', () => {
    expect(() => checkRulesDir('no/such/rules', TABLE_NAMES)).toThrow(
      'no/such/rules: not a folder (named by -c rulesDir)',
    );
    const empty = tempDir('no-rules');
    writeFileSync(join(empty, 'README.md'), 'our rules go here\n');
    expect(() => checkRulesDir(empty, TABLE_NAMES)).toThrow(
      `${empty}: holds no rules (*.yaml or *.yml SQL or Sigma rules, in any subfolder)`,
    );
  });

  test('the copy command puts the folder, subfolders and all, at custom-rules/ in the bundle folder', () => {
    const out = tempDir('bundle out');
    execFileSync('sh', ['-c', customRulesCopyCommand(out, join(PROJECT_ROOT, FIXTURE))]);
    expect(readdirSync(join(out, 'custom-rules', 'team')).sort()).toEqual([
      'root-by-ip.yaml',
      'root-sign-in.yml',
    ]);
  });

  test('the bundled rule loader finds custom-rules/ beside its bundle and loads it after the shipped rules', async () => {
    const out = tempDir('rules-bundle');
    await build({
      entryPoints: [join(PROJECT_ROOT, 'lambdas/handlers/rules.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: join(out, 'index.mjs'),
      banner: {
        js: "import { createRequire as __mlCreateRequire } from 'node:module';const require = __mlCreateRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    // The same bundle in a second folder, with the rules folder beside it as the deploy puts it.
    const withRules = tempDir('rules-bundle-with');
    cpSync(join(out, 'index.mjs'), join(withRules, 'index.mjs'));
    execFileSync('sh', ['-c', customRulesCopyCommand(withRules, join(PROJECT_ROOT, FIXTURE))]);
    const load = async (folder: string) => {
      const mod = (await import(pathToFileURL(join(folder, 'index.mjs')).href)) as {
        deployedRules: typeof import('../../lambdas/handlers/rules.js').deployedRules;
      };
      return mod.deployedRules(TABLE_NAMES, 'athena');
    };
    const ownIds = (rules: Awaited<ReturnType<typeof load>>) =>
      [...rules.rules.map((r) => r.id), ...rules.sigma.events.map((r) => r.id)].filter((id) =>
        id.startsWith('local/'),
      );
    const before = await load(out);
    expect(ownIds(before)).toEqual([]);
    const after = await load(withRules);
    expect(after.errors).toEqual([]);
    expect(ownIds(after).sort()).toEqual(['local/team/root-by-ip', 'local/team/root-sign-in']);
    expect(after.rules.length).toBe(before.rules.length + 1);
    expect(after.sigma.events.length).toBe(before.sigma.events.length + 1);
  }, 180_000);
});
