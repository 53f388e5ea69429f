import { type RuleOverride, RuleOverrides } from '../../core/rulepack/overrides.js';
import type { LoadedRules } from './rule-files.js';

/**
 * The rules with `mantissa rules enable|disable` (or the API's PATCH) applied: an override wins
 * over the file's own `enabled`. Sigma rules are keyed by their Sigma `id` where they have one,
 * else by their path id; SQL rules by their path id.
 */
export function applyOverrides(
  loaded: LoadedRules,
  overrides: ReadonlyMap<string, RuleOverride>,
): LoadedRules {
  if (overrides.size === 0) return loaded;
  const enabled = <T extends { id: string; enabled: boolean; sigmaId?: string }>(rule: T): T => ({
    ...rule,
    enabled: RuleOverrides.effective(rule.sigmaId ?? rule.id, rule.enabled, overrides),
  });
  return {
    ...loaded,
    rules: loaded.rules.map(enabled),
    sigma: {
      ...loaded.sigma,
      events: loaded.sigma.events.map(enabled),
      queries: loaded.sigma.queries.map(enabled),
    },
  };
}
