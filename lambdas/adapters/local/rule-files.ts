import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { guardSql } from '../../core/query/sql-guard.js';
import { parseSqlRule, RuleError, type SqlRule } from '../../core/rules/sql-rule.js';

export interface RuleRoot {
  /** Folder to read `*.yaml` / `*.yml` SQL rules from, recursively. */
  dir: string;
  /** Prefix of the ids of rules found there. */
  idPrefix: string;
  /** Shown in errors instead of the absolute folder. */
  displayPrefix: string;
}

export interface LoadedRules {
  rules: SqlRule[];
  errors: RuleError[];
}

async function yamlFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(full)));
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
): Promise<LoadedRules> {
  const rules: SqlRule[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, string>();
  for (const root of roots) {
    for (const path of await yamlFiles(root.dir)) {
      const rel = relative(root.dir, path).split(sep).join('/');
      const file = `${root.displayPrefix}${rel}`;
      const id = `${root.idPrefix}${rel.replace(/\.ya?ml$/i, '')}`;
      try {
        const rule = parseSqlRule(file, id, await readFile(path, 'utf8'));
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
  return { rules, errors };
}
