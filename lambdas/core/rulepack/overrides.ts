import type { Clock } from '../ports/clock.js';
import type { StateStore } from '../ports/state-store.js';

/**
 * Enabling and disabling rules without editing their files. The contract detection honours:
 * state item pk `rule-overrides`, sk the rule id (a Sigma rule's `id`, a SQL rule's `sql/...` id),
 * value `{enabled, updatedAt, by}`. No item means the rule's own setting applies.
 */
export const RULE_OVERRIDES_PK = 'rule-overrides';

export interface RuleOverride {
  enabled: boolean;
  /** ISO 8601 UTC. */
  updatedAt: string;
  /** Who changed it: `cli` or the API principal's subject. */
  by: string;
}

export class RuleOverrides {
  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
  ) {}

  async get(ruleId: string): Promise<RuleOverride | undefined> {
    return (await this.state.get<RuleOverride>(RULE_OVERRIDES_PK, ruleId))?.value;
  }

  async set(ruleId: string, enabled: boolean, by: string): Promise<RuleOverride> {
    const value: RuleOverride = { enabled, updatedAt: this.clock.now().toISOString(), by };
    await this.state.put(RULE_OVERRIDES_PK, ruleId, value);
    return value;
  }

  /** Removes the override: the rule's own `enabled` (or status) applies again. */
  async clear(ruleId: string): Promise<void> {
    await this.state.delete(RULE_OVERRIDES_PK, ruleId);
  }

  async all(): Promise<Map<string, RuleOverride>> {
    const items = await this.state.query<RuleOverride>(RULE_OVERRIDES_PK);
    return new Map(items.map((i) => [i.sk, i.value]));
  }

  /** Whether a rule runs: its override if there is one, else its own default. */
  static effective(
    ruleId: string,
    ownDefault: boolean,
    overrides: ReadonlyMap<string, RuleOverride>,
  ): boolean {
    return overrides.get(ruleId)?.enabled ?? ownDefault;
  }
}
