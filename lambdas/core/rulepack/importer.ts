import { convertRules, ruleKey } from '../sigma/convert.js';
import { SigmaError } from '../sigma/errors.js';
import { parseRules } from '../sigma/parse.js';
import { pipelineFor } from '../sigma/pipelines/index.js';
import type { SigmaRule } from '../sigma/types.js';
import type { PackFile } from './pack.js';

export interface ImportDecision {
  file: string;
  /** The rule id (or title), or the file when it does not parse. */
  rule: string;
  title?: string;
  accepted: boolean;
  /** Why a rule was refused: deprecated, no pipeline for its logsource, or the conversion error. */
  reason?: string;
}

export interface ImportPlan {
  decisions: ImportDecision[];
  /** Files whose every rule was accepted: these are copied. */
  accepted: PackFile[];
}

function logsourceText(rule: SigmaRule): string {
  if (rule.kind === 'correlation') return '';
  const ls = rule.logsource;
  return (['product', 'service', 'category'] as const)
    .filter((k) => ls[k] !== undefined)
    .map((k) => `${k}=${ls[k]}`)
    .join(' ');
}

function refusal(rule: SigmaRule, all: readonly SigmaRule[]): string | undefined {
  if (rule.status === 'deprecated') return 'deprecated';
  if (rule.status === 'unsupported') return 'status unsupported: the rule cannot be expressed as written';
  if (rule.kind !== 'correlation' && !pipelineFor(rule.logsource))
    return `no pipeline for its logsource (${logsourceText(rule) || 'empty'})`;
  if (rule.kind === 'filter') return undefined;
  for (const dialect of ['duckdb', 'athena'] as const) {
    const [r] = convertRules([rule], { dialect, context: all });
    if (r && 'error' in r) return `conversion error (${dialect}): ${r.error}`;
  }
  return undefined;
}

/**
 * Decides which rules of a third-party corpus (SigmaHQ) Mantissa Log can run, rule by rule. A file
 * is imported only when all its rules are; every refused rule gets its reason.
 */
export function planImport(files: readonly PackFile[]): ImportPlan {
  const parsed: { file: PackFile; rules: SigmaRule[] }[] = [];
  const decisions: ImportDecision[] = [];
  for (const f of files) {
    try {
      parsed.push({ file: f, rules: parseRules(f.text, f.path) });
    } catch (err) {
      if (!(err instanceof SigmaError)) throw err;
      decisions.push({ file: f.path, rule: f.path, accepted: false, reason: `parse error: ${err.message}` });
    }
  }
  const all = parsed.flatMap((p) => p.rules);
  const accepted: PackFile[] = [];
  for (const { file, rules } of parsed) {
    let ok = true;
    for (const rule of rules) {
      const reason = refusal(rule, all);
      const d: ImportDecision = {
        file: file.path,
        rule: ruleKey(rule),
        title: rule.title,
        accepted: !reason,
      };
      if (reason) {
        d.reason = reason;
        ok = false;
      }
      decisions.push(d);
    }
    if (ok && rules.length > 0) accepted.push(file);
  }
  return { decisions, accepted };
}
