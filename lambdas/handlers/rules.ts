import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadedRules, loadRules, type RuleRoot } from '../adapters/local/rule-files.js';
import type { DialectName } from '../core/sigma/index.js';
import { SHIPPED_RULE_FILES } from './shipped-rules.js';

/**
 * The deployment's own rules (`-c rulesDir=…`), copied beside the function's bundle when it is built
 * (lib/functions.ts): `custom-rules/` next to the bundle file. Absent when the stack was deployed
 * without the option, and when this module runs unbundled (tests), where it resolves inside
 * `lambdas/handlers/`.
 */
export const CUSTOM_RULES_FOLDER = 'custom-rules';

export function bundledCustomRulesDir(): string {
  return fileURLToPath(new URL(`./${CUSTOM_RULES_FOLDER}/`, import.meta.url));
}

/** Ids and display names of the deployment's own rules: the same as locally (`$MANTISSA_HOME/rules`). */
export function customRulesRoot(dir: string, display = `${CUSTOM_RULES_FOLDER}/`): RuleRoot {
  return { dir, idPrefix: 'local/', displayPrefix: display, kind: 'mixed' };
}

let loaded: Map<string, Promise<LoadedRules>> | undefined;

/**
 * The rules a function on AWS runs: the shipped rules (rules/sql/ and rules/sigma/, carried in the
 * bundle as text by shipped-rules.ts and written once per container to /tmp), then the deployment's
 * own from `customDir` when it exists. Loaded by the loader the local runtime uses; a rule that fails
 * to load is logged with its file and left out, as locally (`cdk synth` refuses such a rule first).
 */
export function deployedRules(
  tables: readonly string[],
  dialect: DialectName,
  customDir: string = bundledCustomRulesDir(),
): Promise<LoadedRules> {
  loaded ??= new Map();
  const key = `${dialect}\u0000${customDir}\u0000${tables.join(',')}`;
  let rules = loaded.get(key);
  if (!rules) {
    rules = load(tables, dialect, customDir);
    loaded.set(key, rules);
  }
  return rules;
}

async function load(
  tables: readonly string[],
  dialect: DialectName,
  customDir: string,
): Promise<LoadedRules> {
  const root = mkdtempSync(join(tmpdir(), 'mantissa-rules-'));
  for (const file of SHIPPED_RULE_FILES) {
    const path = join(root, ...file.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
  const rules = await loadRules(
    [
      { dir: join(root, 'sql'), idPrefix: 'sql/', displayPrefix: 'rules/sql/' },
      { dir: join(root, 'sigma'), idPrefix: 'sigma/', displayPrefix: 'rules/sigma/', kind: 'sigma' },
      ...(existsSync(customDir) ? [customRulesRoot(customDir)] : []),
    ],
    tables,
    dialect,
  );
  for (const error of rules.errors) console.error(`[rules] ${error.message}`);
  return rules;
}
