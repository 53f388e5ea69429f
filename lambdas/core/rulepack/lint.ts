import { CHECKS, type Check } from './checks/index.js';
import type { Finding } from './finding.js';
import { loadPack, type Pack, type PackFile } from './pack.js';

export interface LintReport {
  files: number;
  rules: number;
  errors: number;
  warnings: number;
  findings: Finding[];
}

/** Rule ids must be unique across the pack: overrides, alerts and correlations refer to rules by id. */
function duplicateIds(pack: Pack): Finding[] {
  const seen = new Map<string, string>();
  const out: Finding[] = [];
  for (const e of pack.entries) {
    const id = e.rule.id;
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first) {
      out.push({
        check: 'duplicate-id',
        severity: 'error',
        file: e.file,
        line: e.line,
        field: 'id',
        rule: id,
        message: `id ${id} is also the id of a rule in ${first}`,
      });
    } else seen.set(id, e.file);
  }
  return out;
}

/** Lints a parsed pack: parse errors, then every check on every rule, then pack-wide checks. */
export function lintPack(pack: Pack, checks: readonly Check[] = CHECKS): Finding[] {
  const findings = [...pack.findings];
  const ctx = { entries: pack.entries };
  for (const entry of pack.entries) {
    const own: Finding[] = [];
    for (const check of checks) {
      // A rule already in error fails to convert for that reason: say it once.
      if (check.name === 'convert' && own.some((f) => f.severity === 'error')) continue;
      own.push(...check.run(entry, ctx));
    }
    findings.push(...own);
  }
  findings.push(...duplicateIds(pack));
  return findings;
}

export function lintFiles(files: readonly PackFile[], opts: { strict?: boolean } = {}): LintReport {
  const pack = loadPack(files);
  let findings = lintPack(pack);
  if (opts.strict) findings = findings.map((f) => ({ ...f, severity: 'error' }));
  return {
    files: files.length,
    rules: pack.entries.length,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    findings,
  };
}
