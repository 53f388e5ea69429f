import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { guardSql } from '../../core/query/sql-guard.js';
import {
  type CompiledSigmaRules,
  compileSigmaRules,
  type SigmaRuleFile,
} from '../../core/rules/sigma-rule.js';
import { parseSqlRule, RuleError, type SqlRule } from '../../core/rules/sql-rule.js';
import type { DialectName } from '../../core/sigma/index.js';

export interface RuleRoot {
  /** Folder to read `*.yaml` / `*.yml` SQL rules from, recursively. */
  dir: string;
  /** Prefix of the ids of rules found there. */
  idPrefix: string;
  /** Shown in errors instead of the absolute folder. */
  displayPrefix: string;
  /** What the folder holds: SQL rules (the default), Sigma rules, or both (told apart by content). */
  kind?: 'sql' | 'sigma' | 'mixed';
}

export interface LoadedRules {
  rules: SqlRule[];
  /** Sigma rules compiled for the engine's dialect (empty when none were asked for). */
  sigma: Omit<CompiledSigmaRules, 'errors'>;
  errors: RuleError[];
}

/** A Sigma document has a detection, correlation or filter section; a SQL rule has a query. */
function isSigma(text: string): boolean {
  return /^(detection|correlation|filter)\s*:/m.test(text) && !/^query\s*:/m.test(text);
}

/**
 * Reads SQL and Sigma rules from folders. Sigma rules are compiled together (correlations and
 * filters may refer to rules in other files) for `dialect`. Every rule that fails is reported with
 * its file and left out; the others load.
 */
export async function loadRules(
  roots: readonly RuleRoot[],
  tables: readonly string[],
  dialect: DialectName,
): Promise<LoadedRules> {
  return loadRulesSync(roots, tables, dialect);
}

/**
 * `loadRules` without the promise, for `cdk synth`, which checks a deployment's own rules while it
 * builds the stack (construct code is synchronous). Rule folders are small; reading them blocks for
 * milliseconds.
 */
export function loadRulesSync(
  roots: readonly RuleRoot[],
  tables: readonly string[],
  dialect: DialectName,
): LoadedRules {
  const sqlRoots: RuleRoot[] = [];
  const sigmaFiles: SigmaRuleFile[] = [];
  const sqlOnly = new Map<string, Set<string>>();
  for (const root of roots) {
    const kind = root.kind ?? 'sql';
    if (kind === 'sql') {
      sqlRoots.push(root);
      continue;
    }
    const skip = new Set<string>();
    for (const path of yamlFiles(root.dir)) {
      const text = readFileSync(path, 'utf8');
      if (kind === 'mixed' && !isSigma(text)) continue;
      skip.add(path);
      const rel = relative(root.dir, path).split(sep).join('/');
      sigmaFiles.push({
        file: `${root.displayPrefix}${rel}`,
        id: `${root.idPrefix}${rel.replace(/\.ya?ml$/i, '')}`,
        text,
      });
    }
    if (kind === 'mixed') {
      sqlRoots.push(root);
      sqlOnly.set(root.dir, skip);
    }
  }
  const sql = loadSqlRulesSync(sqlRoots, tables, sqlOnly);
  const sigma = compileSigmaRules(sigmaFiles, dialect);
  return {
    rules: sql.rules,
    sigma: { events: sigma.events, queries: sigma.queries },
    errors: [...sql.errors, ...sigma.errors],
  };
}

function yamlFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/**
 * Reads SQL rules from folders. A rule that does not parse, or whose query the SQL guard refuses,
 * is reported with its file and field and left out; the others load.
 */
export async function loadSqlRules(
  roots: readonly RuleRoot[],
  tables: readonly string[],
  /** Files of a folder that are not SQL rules (Sigma files in a mixed folder), per folder. */
  skip: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Promise<LoadedRules> {
  return loadSqlRulesSync(roots, tables, skip);
}

function loadSqlRulesSync(
  roots: readonly RuleRoot[],
  tables: readonly string[],
  skip: ReadonlyMap<string, ReadonlySet<string>>,
): LoadedRules {
  const rules: SqlRule[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, string>();
  for (const root of roots) {
    for (const path of yamlFiles(root.dir)) {
      if (skip.get(root.dir)?.has(path)) continue;
      const rel = relative(root.dir, path).split(sep).join('/');
      const file = `${root.displayPrefix}${rel}`;
      const id = `${root.idPrefix}${rel.replace(/\.ya?ml$/i, '')}`;
      try {
        const rule = parseSqlRule(file, id, readFileSync(path, 'utf8'));
        try {
          guardSql(rule.query, { tables });
        } catch (err) {
          throw new RuleError(file, 'query', (err as Error).message);
        }
        const clash = seen.get(rule.id);
        if (clash) throw new RuleError(file, '', `rule id ${rule.id} is also used by ${clash}`);
        seen.set(rule.id, file);
        rules.push(rule);
      } catch (err) {
        if (err instanceof RuleError) errors.push(err);
        else throw err;
      }
    }
  }
  return { rules, sigma: { events: [], queries: [] }, errors };
}
