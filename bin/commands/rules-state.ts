import type { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { loadPack, RuleOverrides } from '../../lambdas/core/rulepack/index.js';
import { parse } from './command.js';
import { printJson, printTable, progress, UsageError } from './output.js';
import { homeSigma, readRuleFiles, SHIPPED_SIGMA } from './rules-files.js';

export interface KnownRule {
  id: string;
  title: string;
  kind: 'sql' | 'sigma';
  level: string;
  file: string;
  /** The rule's own setting: SQL `enabled`, Sigma status other than deprecated/unsupported. */
  enabledByDefault: boolean;
}

/** Every rule detection may run: SQL rules, the shipped Sigma pack and the user's Sigma rules. */
export async function knownRules(runtime: LocalRuntime): Promise<KnownRule[]> {
  const out: KnownRule[] = [];
  for (const r of (await runtime.rules()).rules) {
    out.push({
      id: r.id,
      title: r.name,
      kind: 'sql',
      level: r.severity,
      file: r.file,
      enabledByDefault: r.enabled,
    });
  }
  const files = await readRuleFiles([SHIPPED_SIGMA, homeSigma(runtime.home)], { missingOk: true });
  for (const e of loadPack(files).entries) {
    if (e.rule.kind === 'filter' || !e.rule.id) continue;
    out.push({
      id: e.rule.id,
      title: e.rule.title,
      kind: 'sigma',
      level: e.rule.level ?? '',
      file: e.file,
      enabledByDefault: e.rule.status !== 'deprecated' && e.rule.status !== 'unsupported',
    });
  }
  return out;
}

/** `rules enable|disable ID`: an override in the state store, which detection honours. */
export async function setRuleState(runtime: LocalRuntime, enabled: boolean, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length !== 1)
    throw new UsageError(`rules ${enabled ? 'enable' : 'disable'} takes one rule id`);
  const id = positionals[0] as string;
  const rule = (await knownRules(runtime)).find((r) => r.id === id);
  if (!rule) {
    progress(`no rule with id ${id} (see mantissa rules list)`);
    return 1;
  }
  const override = await new RuleOverrides(runtime.state, runtime.clock).set(id, enabled, 'cli');
  if (values.json) printJson({ id, title: rule.title, ...override });
  else process.stdout.write(`${enabled ? 'enabled' : 'disabled'} ${id} (${rule.title})\n`);
  return 0;
}

/** `rules list`: every rule with whether it runs, its override applied. */
export async function listRules(runtime: LocalRuntime, args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const overrides = await new RuleOverrides(runtime.state, runtime.clock).all();
  const rows = (await knownRules(runtime)).map((r) => ({
    ...r,
    enabled: RuleOverrides.effective(r.id, r.enabledByDefault, overrides),
    overridden: overrides.has(r.id),
  }));
  if (values.json) printJson({ rules: rows, count: rows.length });
  else printTable(['id', 'kind', 'level', 'enabled', 'title'], rows as unknown as Record<string, unknown>[]);
  return 0;
}
