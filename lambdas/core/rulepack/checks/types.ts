import type { Finding } from '../finding.js';
import type { PackEntry } from '../pack.js';

export interface LintContext {
  /** Every rule of the pack: correlations and filters refer to rules in other files. */
  entries: readonly PackEntry[];
}

/** One lint check: a pure function of a rule (and the pack), in its own file, registered in checks/index.ts. */
export interface Check {
  name: string;
  /** What the check enforces, for `rules lint --help` and the docs. */
  description: string;
  run(entry: PackEntry, ctx: LintContext): Finding[];
}

/** A finding about `entry`, with its file and rule filled in. */
export function finding(
  entry: PackEntry,
  check: string,
  severity: Finding['severity'],
  message: string,
  at: { line?: number; field?: string } = {},
): Finding {
  const f: Finding = {
    check,
    severity,
    file: entry.file,
    line: at.line ?? entry.line,
    rule: entry.rule.id ?? entry.rule.title,
    message,
  };
  if (at.field !== undefined) f.field = at.field;
  return f;
}
