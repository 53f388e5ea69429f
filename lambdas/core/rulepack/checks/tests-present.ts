import type { Finding } from '../finding.js';
import { type Check, finding } from './types.js';

/** Every detection and correlation rule carries test events: one that must match and one near miss. */
export const testsCheck: Check = {
  name: 'tests-missing',
  description: 'rules carry `tests` with at least one match and one no_match record',
  run(entry) {
    if (entry.rule.kind === 'filter') return [];
    const t = entry.tests;
    if (!t)
      return [
        finding(entry, 'tests-missing', 'warning', 'no test events (add tests.match and tests.no_match)'),
      ];
    const out: Finding[] = [];
    if (t.match.length === 0)
      out.push(
        finding(entry, 'tests-missing', 'warning', 'no event that must match', {
          line: t.line,
          field: 'tests.match',
        }),
      );
    if (t.noMatch.length === 0)
      out.push(
        finding(entry, 'tests-missing', 'warning', 'no near miss that must not match', {
          line: t.line,
          field: 'tests.no_match',
        }),
      );
    return out;
  },
};
