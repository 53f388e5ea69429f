import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type LoadedRules, loadRules } from '../adapters/local/rule-files.js';
import type { DialectName } from '../core/sigma/index.js';
import { SHIPPED_RULE_FILES } from './shipped-rules.js';

let loaded: Map<DialectName, Promise<LoadedRules>> | undefined;

/**
 * The shipped rules (rules/sql/ and rules/sigma/), loaded by the same loader the local runtime uses:
 * the bundle carries their text (shipped-rules.ts), which is written once per container to /tmp
 * and read from there. A rule that fails to load is logged with its file and left out, as locally.
 */
export function shippedRules(tables: readonly string[], dialect: DialectName): Promise<LoadedRules> {
  loaded ??= new Map();
  let rules = loaded.get(dialect);
  if (!rules) {
    rules = load(tables, dialect);
    loaded.set(dialect, rules);
  }
  return rules;
}

async function load(tables: readonly string[], dialect: DialectName): Promise<LoadedRules> {
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
    ],
    tables,
    dialect,
  );
  for (const error of rules.errors) console.error(`[rules] ${error.message}`);
  return rules;
}
