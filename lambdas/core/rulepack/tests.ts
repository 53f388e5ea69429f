import type { YamlDocument } from '../sigma/yaml.js';

/**
 * A rule's test events: the `tests` attribute of the rule (a custom Sigma attribute, which Sigma
 * tools ignore), with provider-native records as the provider delivers them:
 *
 * ```yaml
 * tests:
 *   match:      # every record here must be selected (correlations: together they must fire)
 *     - {eventSource: iam.amazonaws.com, eventName: CreateUser, ...}
 *   no_match:   # near misses: none may be selected (correlations: together they must not fire)
 *     - {...}
 * ```
 */
export interface RuleTests {
  match: unknown[];
  noMatch: unknown[];
  /** 1-based line of `tests`, and of each record, for messages. */
  line?: number;
  matchLines: (number | undefined)[];
  noMatchLines: (number | undefined)[];
}

export class TestsFormatError extends Error {
  override readonly name = 'TestsFormatError';
  constructor(
    message: string,
    readonly line?: number,
    readonly field = 'tests',
  ) {
    super(message);
  }
}

/** The document's `tests`, undefined when it has none; throws TestsFormatError when it is malformed. */
export function readTests(doc: YamlDocument): RuleTests | undefined {
  const value = doc.value;
  if (value === null || typeof value !== 'object' || !('tests' in value)) return undefined;
  const tests = (value as Record<string, unknown>).tests;
  const line = doc.lineOf(['tests']);
  if (tests === null || typeof tests !== 'object' || Array.isArray(tests)) {
    throw new TestsFormatError('tests must be a mapping with match and no_match lists', line);
  }
  const t = tests as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (key !== 'match' && key !== 'no_match') {
      throw new TestsFormatError(
        `unknown key '${key}': tests has match and no_match`,
        doc.lineOf(['tests', key]),
        `tests.${key}`,
      );
    }
  }
  const list = (key: 'match' | 'no_match'): { records: unknown[]; lines: (number | undefined)[] } => {
    const v = t[key];
    if (v === undefined) return { records: [], lines: [] };
    if (!Array.isArray(v)) {
      throw new TestsFormatError(
        `${key} must be a list of records`,
        doc.lineOf(['tests', key]),
        `tests.${key}`,
      );
    }
    v.forEach((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) {
        throw new TestsFormatError(
          'each test event is a record (a mapping)',
          doc.lineOf(['tests', key, i]),
          `tests.${key}[${i}]`,
        );
      }
    });
    return { records: v, lines: v.map((_, i) => doc.lineOf(['tests', key, i])) };
  };
  const match = list('match');
  const noMatch = list('no_match');
  return {
    match: match.records,
    noMatch: noMatch.records,
    line,
    matchLines: match.lines,
    noMatchLines: noMatch.lines,
  };
}
