import { formatFinding, lintFiles, loadPack } from '../../lambdas/core/rulepack/index.js';
import { convertFolder, DIALECTS, type DialectName } from '../../lambdas/core/sigma/index.js';
import { type Command, parse } from './command.js';
import { printJson, progress, UsageError } from './output.js';
import { readRuleFiles, SHIPPED_SIGMA } from './rules-files.js';
import { importRules } from './rules-import.js';
import { listRules, setRuleState } from './rules-state.js';
import { testRules } from './rules-test.js';

const USAGE = [
  'mantissa rules lint [PATH...] [--json] [--strict]',
  'mantissa rules test [PATH...] [--json]',
  'mantissa rules convert PATH --dialect athena|duckdb|bigquery|tsql [--json] [--no-pipeline --table NAME]',
  'mantissa rules import DIR [--json]',
  'mantissa rules enable|disable ID [--json]',
  'mantissa rules list [--json]',
].join('\n  ');

async function lint(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, strict: { type: 'boolean' } });
  const files = await readRuleFiles(positionals.length > 0 ? positionals : [SHIPPED_SIGMA]);
  const report = lintFiles(files, { strict: values.strict === true });
  if (values.json) printJson(report);
  else {
    for (const f of report.findings) process.stdout.write(`${formatFinding(f)}\n`);
    process.stdout.write(
      `${report.rules} rules in ${report.files} files: ${report.errors} errors, ${report.warnings} warnings\n`,
    );
  }
  return report.errors > 0 ? 1 : 0;
}

async function test(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  const files = await readRuleFiles(positionals.length > 0 ? positionals : [SHIPPED_SIGMA]);
  const pack = loadPack(files);
  const results = await testRules(pack.entries);
  const failed = results.filter((r) => r.status === 'fail');
  const passed = results.filter((r) => r.status === 'pass').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  const problems = pack.findings.map(formatFinding);
  if (values.json) printJson({ passed, failed: failed.length, skipped, problems, results });
  else {
    for (const p of problems) process.stdout.write(`${p}\n`);
    for (const r of failed) {
      process.stdout.write(`FAIL ${r.id} ${r.title}\n`);
      for (const f of r.failures) process.stdout.write(`  ${f}\n`);
    }
    process.stdout.write(
      `${passed} rules passed, ${failed.length} failed, ${skipped} without test events (${results.reduce((n, r) => n + r.events, 0)} events)\n`,
    );
  }
  return failed.length > 0 || problems.length > 0 ? 1 : 0;
}

async function convert(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    dialect: { type: 'string' },
    json: { type: 'boolean' },
    'no-pipeline': { type: 'boolean' },
    table: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('rules convert takes one file or folder');
  const dialect = values.dialect;
  if (!dialect || !(dialect in DIALECTS)) {
    throw new UsageError(`--dialect must be one of ${Object.keys(DIALECTS).join(', ')}`);
  }
  const noPipeline = values['no-pipeline'] === true;
  if (noPipeline && !values.table) throw new UsageError('--no-pipeline needs --table NAME');
  if (!noPipeline && values.table) throw new UsageError('--table goes with --no-pipeline');
  const files = await readRuleFiles(positionals);
  const result = convertFolder(files, {
    dialect: dialect as DialectName,
    ...(noPipeline ? { pipeline: false as const, table: values.table } : {}),
  });
  const errors = Object.entries(result).filter(([, r]) => 'error' in r);
  if (values.json) printJson(result);
  else {
    for (const [id, r] of Object.entries(result)) {
      if ('sql' in r) process.stdout.write(`-- ${id}\n${r.sql};\n\n`);
      else progress(`${id}: ${r.error}`);
    }
  }
  return errors.length > 0 ? 1 : 0;
}

export const rulesCommand: Command = {
  name: 'rules',
  usage: USAGE,
  async run(runtime, args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'lint':
        return lint(rest);
      case 'test':
        return test(rest);
      case 'convert':
        return convert(rest);
      case 'import':
        return importRules(runtime.home, rest);
      case 'enable':
      case 'disable':
        return setRuleState(runtime, sub === 'enable', rest);
      case 'list':
        return listRules(runtime, rest);
      default:
        throw new UsageError(sub ? `unknown rules command ${JSON.stringify(sub)}` : 'rules needs a command');
    }
  },
};
