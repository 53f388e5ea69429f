import { SigmaError } from '../../sigma/errors.js';
import { pipelineFor } from '../../sigma/pipelines/index.js';
import type { Finding } from '../finding.js';
import { detectionItems } from './items.js';
import { type Check, finding } from './types.js';

function logsourceText(ls: Record<string, string | undefined>): string {
  return (
    Object.entries(ls)
      .filter(([k, v]) => v !== undefined && k !== 'definition')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '(empty)'
  );
}

/**
 * Every field a rule tests must exist in its logsource's table (through the pipeline), so a typo
 * such as `eventname` for `eventName` works but `evntName` is caught before the rule ships.
 */
export const fieldCheck: Check = {
  name: 'unknown-field',
  description: "fields exist in the table of the rule's logsource (via its pipeline's table schema)",
  run(entry) {
    const rule = entry.rule;
    if (rule.kind === 'correlation') return [];
    const pipeline = pipelineFor(rule.logsource);
    if (!pipeline) {
      return [
        finding(
          entry,
          'no-pipeline',
          'warning',
          `no pipeline for logsource ${logsourceText({ ...rule.logsource })}: the rule cannot run on this deployment's tables`,
          { field: 'logsource' },
        ),
      ];
    }
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const item of detectionItems(rule)) {
      for (const name of [item.field, ...fieldrefTargets(item.modifiers, item.values)]) {
        if (name === undefined || seen.has(name)) continue;
        seen.add(name);
        try {
          pipeline.field(name);
        } catch (err) {
          if (!(err instanceof SigmaError)) throw err;
          out.push(
            finding(entry, 'unknown-field', 'error', err.reason, { line: item.line, field: item.path }),
          );
        }
      }
    }
    return out;
  },
};

/** `field|fieldref: other` names a second field: its values are field names. */
function fieldrefTargets(modifiers: string[], values: unknown[]): string[] {
  if (!modifiers.includes('fieldref')) return [];
  return values.filter((v): v is string => typeof v === 'string');
}
