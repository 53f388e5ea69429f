import type { Finding } from '../finding.js';
import { checkRegex } from '../regex-safety.js';
import { detectionItems } from './items.js';
import { type Check, finding } from './types.js';

const FLAG: Record<string, string> = { i: 'i', ignorecase: 'i', m: 'm', multiline: 'm', s: 's', dotall: 's' };

/** Regular expressions must not backtrack catastrophically: Athena and the matcher run them by backtracking. */
export const regexCheck: Check = {
  name: 'regex-slow',
  description: 'regular expressions have no nested quantifiers and pass a backtracking probe in time',
  run(entry) {
    const out: Finding[] = [];
    for (const item of detectionItems(entry.rule)) {
      if (item.modifiers[0] !== 're') continue;
      const flags = [...new Set(item.modifiers.map((m) => FLAG[m]).filter((f) => f !== undefined))].join('');
      for (const v of item.values) {
        if (typeof v !== 'string') continue;
        let verdict: ReturnType<typeof checkRegex>;
        try {
          verdict = checkRegex(v, flags);
        } catch {
          continue; // an invalid expression is the modifier check's finding
        }
        const at = { line: item.line, field: item.path };
        if (verdict.nested) {
          out.push(
            finding(
              entry,
              'regex-slow',
              'error',
              `nested quantifier ${JSON.stringify(verdict.nested.text)} in /${v}/ can backtrack exponentially; make the inner part unambiguous or drop a quantifier`,
              at,
            ),
          );
        } else if (verdict.slow) {
          out.push(
            finding(
              entry,
              'regex-slow',
              'error',
              `/${v}/ took ${verdict.slow.ms.toFixed(0)} ms on ${verdict.slow.input}: catastrophic backtracking`,
              at,
            ),
          );
        }
      }
    }
    return out;
  },
};
