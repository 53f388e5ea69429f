import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { planImport } from '../../lambdas/core/rulepack/index.js';
import { parse } from './command.js';
import { printJson, UsageError } from './output.js';
import { homeSigma, readRuleFiles } from './rules-files.js';

/** `rules import DIR`: copies the rules Mantissa Log can run into $MANTISSA_HOME/rules/sigma/imported/. */
export async function importRules(home: string, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('rules import takes one folder of Sigma rules');
  const root = resolve(positionals[0] as string);
  const files = (await readRuleFiles([root])).map((f) => ({ ...f, abs: resolve(f.path) }));
  const byDisplay = new Map(files.map((f) => [f.path, f.abs]));
  const plan = planImport(files);
  const target = join(homeSigma(home), 'imported');
  for (const f of plan.accepted) {
    const abs = byDisplay.get(f.path) ?? resolve(f.path);
    const rel = relative(root, abs) || abs.split(sep).pop() || 'rule.yml';
    const out = join(target, rel);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, f.text);
  }
  const refused = plan.decisions.filter((d) => !d.accepted);
  const imported = plan.decisions.length - refused.length;
  if (values.json) printJson({ target, files: plan.accepted.length, imported, refused });
  else {
    process.stdout.write(
      `imported ${imported} rules (${plan.accepted.length} files) into ${target}; refused ${refused.length}\n`,
    );
    for (const d of refused) process.stdout.write(`  refused ${d.file} ${d.rule}: ${d.reason}\n`);
  }
  return 0;
}
