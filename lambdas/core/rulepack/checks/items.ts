import type { DetectionItem, SelectionPart, SigmaRule } from '../../sigma/types.js';

/** Every detection item of a rule (selections of a detection rule or a filter), in file order. */
export function detectionItems(rule: SigmaRule): DetectionItem[] {
  if (rule.kind === 'correlation') return [];
  const out: DetectionItem[] = [];
  const visit = (part: SelectionPart) => {
    if ('kind' in part) part.items.forEach(visit);
    else out.push(part);
  };
  for (const def of rule.detection.selections.values()) def.items.forEach(visit);
  return out;
}
