import { attackTags } from '../attack.js';
import type { Finding } from '../finding.js';
import { type Check, finding } from './types.js';

/** Every detection and correlation rule names at least one ATT&CK tactic and one technique. */
export const attackTagCheck: Check = {
  name: 'attack-tags',
  description: 'rules carry an ATT&CK tactic tag (attack.<tactic>) and a technique tag (attack.tNNNN[.NNN])',
  run(entry) {
    if (entry.rule.kind === 'filter') return [];
    const tags = attackTags(entry.rule.tags);
    const out: Finding[] = [];
    const at = { field: 'tags' };
    if (tags.tactics.length === 0)
      out.push(
        finding(entry, 'attack-tags', 'warning', 'no ATT&CK tactic tag (e.g. attack.persistence)', at),
      );
    if (tags.techniques.length === 0)
      out.push(finding(entry, 'attack-tags', 'warning', 'no ATT&CK technique tag (e.g. attack.t1098)', at));
    for (const t of tags.unknown)
      out.push(
        finding(entry, 'attack-tags', 'warning', `'${t}' is neither an ATT&CK tactic nor a technique id`, at),
      );
    return out;
  },
};
