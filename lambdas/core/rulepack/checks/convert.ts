import { DIALECTS, type DialectName } from '../../sigma/backends/index.js';
import { convertRules } from '../../sigma/convert.js';
import { pipelineFor } from '../../sigma/pipelines/index.js';
import type { Finding } from '../finding.js';
import { type Check, finding } from './types.js';

/** Dialects a rule must convert to (where it runs), and those it should (portability). */
const REQUIRED: readonly DialectName[] = ['duckdb', 'athena'];

/** The rule converts to SQL for the local and the AWS runtime; other dialects are reported as warnings. */
export const convertCheck: Check = {
  name: 'convert',
  description: 'the rule converts to DuckDB and Athena SQL (errors) and to BigQuery and T-SQL (warnings)',
  run(entry, ctx) {
    const r = entry.rule;
    if (r.kind === 'filter') return [];
    if (r.kind === 'detection' && !pipelineFor(r.logsource)) return [];
    const context = ctx.entries.map((e) => e.rule);
    const out: Finding[] = [];
    for (const dialect of Object.keys(DIALECTS) as DialectName[]) {
      const [result] = convertRules([r], { dialect, context });
      if (result && 'error' in result) {
        const severity = REQUIRED.includes(dialect) ? 'error' : 'warning';
        // The compiler's message starts with the file, which the finding already names.
        const message = result.error.startsWith(`${entry.file}`)
          ? result.error.slice(entry.file.length).replace(/^(:\d+)?:?\s*/, '')
          : result.error;
        out.push(finding(entry, 'convert', severity, `${dialect}: ${message}`));
      }
    }
    return out;
  },
};
