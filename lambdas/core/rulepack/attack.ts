/** MITRE ATT&CK (Enterprise) tactics, in kill-chain order, as Sigma tags spell them (`attack.<tactic>`). */
export const ATTACK_TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;
export type AttackTactic = (typeof ATTACK_TACTICS)[number];

/** The tactics a cloud rule pack is expected to cover, Initial Access to Impact. */
export const CLOUD_TACTICS: readonly AttackTactic[] = ATTACK_TACTICS.filter(
  (t) => t !== 'reconnaissance' && t !== 'resource-development' && t !== 'command-and-control',
);

const TECHNIQUE = /^t\d{4}(\.\d{3})?$/;
/** Sigma tags that name ATT&CK groups, software and data sources rather than tactics or techniques. */
const OTHER = /^(g\d{4}|s\d{4}|ds\d{4}|m\d{4})$/;

export interface AttackTags {
  tactics: AttackTactic[];
  techniques: string[];
  /** `attack.*` tags that are neither a known tactic nor a technique id, as written. */
  unknown: string[];
}

/** Reads a rule's `attack.*` tags. Sigma 1 spelled tactics with underscores; both are accepted. */
export function attackTags(tags: readonly string[]): AttackTags {
  const out: AttackTags = { tactics: [], techniques: [], unknown: [] };
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const name = lower.slice('attack.'.length).replaceAll('_', '-');
    if ((ATTACK_TACTICS as readonly string[]).includes(name)) out.tactics.push(name as AttackTactic);
    else if (TECHNIQUE.test(name)) out.techniques.push(name.toUpperCase());
    else if (!OTHER.test(name)) out.unknown.push(tag);
  }
  return out;
}
