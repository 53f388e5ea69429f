import { cpSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRulesSync } from '../lambdas/adapters/local/rule-files.js';
import { customRulesRoot } from '../lambdas/handlers/rules.js';
import { PROJECT_ROOT } from './functions.js';

/** The context option naming the deployment's own rules: `npx cdk deploy -c rulesDir=./rules`. */
export const RULES_DIR_CONTEXT = 'rulesDir';

/** A rules folder the stack cannot deploy; the message names the folder, file and field. */
export class CustomRulesError extends Error {
  override readonly name = 'CustomRulesError';
}

/** A checked rules folder, as the functions will load it. */
export interface DeployedRulesDir {
  /** The folder the option named, absolute. */
  readonly source: string;
  /**
   * A copy of its rule files alone (`*.yaml`, `*.yml`, subfolders kept), the one checked and the one
   * copied beside the ingest, detection and API bundles: nothing else in the folder (a README, an
   * editor's backup, a stray `.env`) ends up in a function's code.
   */
  readonly dir: string;
  /** Ids of its rules, as alerts and `GET /api/v1/rules` will show them (`local/…`). */
  readonly ruleIds: readonly string[];
}

/**
 * Checks the deployment's own rules folder at synth time, the way the functions will load it: SQL
 * and Sigma files side by side (as `$MANTISSA_HOME/rules/` locally), Sigma compiled for Athena,
 * SQL queries through the SQL guard against the deployed tables, together with the shipped rules
 * (so an id that clashes with one of theirs is caught). Any rule that would fail to load throws,
 * so a deploy never silently runs without one. Paths are relative to `cwd`, where `cdk` runs.
 */
export function checkRulesDir(
  folder: string,
  tables: readonly string[],
  cwd = process.cwd(),
): DeployedRulesDir {
  const dir = resolve(cwd, folder);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // Reported below, with the option that named it.
  }
  if (!isDir) throw new CustomRulesError(`${folder}: not a folder (named by -c ${RULES_DIR_CONTEXT})`);
  const staged = mkdtempSync(join(tmpdir(), 'mantissa-deployed-rules-'));
  cpSync(dir, staged, {
    recursive: true,
    filter: (path) => statSync(path).isDirectory() || /\.ya?ml$/i.test(path),
  });
  const shipped = join(PROJECT_ROOT, 'rules');
  const loaded = loadRulesSync(
    [
      { dir: join(shipped, 'sql'), idPrefix: 'sql/', displayPrefix: 'rules/sql/' },
      { dir: join(shipped, 'sigma'), idPrefix: 'sigma/', displayPrefix: 'rules/sigma/', kind: 'sigma' },
      customRulesRoot(staged, `${folder.replace(/\/+$/, '')}/`),
    ],
    tables,
    'athena',
  );
  if (loaded.errors.length > 0) {
    throw new CustomRulesError(
      `${loaded.errors.length} rule(s) would not load on AWS:\n${loaded.errors.map((e) => `  ${e.message}`).join('\n')}`,
    );
  }
  const ruleIds = [
    ...loaded.rules.map((r) => r.id),
    ...loaded.sigma.events.map((r) => r.id),
    ...loaded.sigma.queries.map((r) => r.id),
  ].filter((id) => id.startsWith('local/'));
  if (ruleIds.length === 0) {
    throw new CustomRulesError(
      `${folder}: holds no rules (*.yaml or *.yml SQL or Sigma rules, in any subfolder)`,
    );
  }
  return { source: dir, dir: staged, ruleIds: ruleIds.sort() };
}
