import { SigmaError } from '../sigma/errors.js';
import { parseRules } from '../sigma/parse.js';
import type { SigmaRule } from '../sigma/types.js';
import { loadYamlDocuments } from '../sigma/yaml.js';
import type { Finding } from './finding.js';
import { type RuleTests, readTests, TestsFormatError } from './tests.js';

/** A rule file as read from disk (or received over the API): its display path and text. */
export interface PackFile {
  path: string;
  text: string;
}

/** One rule of a pack, with the test events it carries. */
export interface PackEntry {
  file: string;
  rule: SigmaRule;
  tests?: RuleTests;
  /** 1-based line of the rule's document. */
  line: number;
}

export interface Pack {
  entries: PackEntry[];
  /** Files that do not parse, and malformed `tests`. */
  findings: Finding[];
}

/** Parses every document of every file; a file that fails is reported with its line and field. */
export function loadPack(files: readonly PackFile[]): Pack {
  const entries: PackEntry[] = [];
  const findings: Finding[] = [];
  for (const f of files) {
    let rules: SigmaRule[];
    let docs: ReturnType<typeof loadYamlDocuments>;
    try {
      docs = loadYamlDocuments(f.text, f.path);
      rules = parseRules(f.text, f.path);
    } catch (err) {
      if (!(err instanceof SigmaError)) throw err;
      findings.push({
        check: 'parse',
        severity: 'error',
        file: f.path,
        line: err.location.line,
        field: err.location.field,
        message: err.reason,
      });
      continue;
    }
    rules.forEach((rule, i) => {
      const doc = docs[i];
      const entry: PackEntry = { file: f.path, rule, line: doc?.line ?? 1 };
      try {
        const tests = doc ? readTests(doc) : undefined;
        if (tests) entry.tests = tests;
      } catch (err) {
        if (!(err instanceof TestsFormatError)) throw err;
        findings.push({
          check: 'tests-format',
          severity: 'error',
          file: f.path,
          line: err.line,
          field: err.field,
          rule: rule.id ?? rule.title,
          message: err.message,
        });
      }
      entries.push(entry);
    });
  }
  return { entries, findings };
}
