import { AlertStore } from '../alerts/store.js';
import type { ManifestEntry } from '../lake/manifest.js';
import type { Clock } from '../ports/clock.js';
import type { StateStore } from '../ports/state-store.js';
import type { SigmaEventRule } from '../rules/sigma-rule.js';
import { eventMatch } from './fused.js';
import { type Match, type RaiseOutcome, raiseMatches } from './raise.js';

export interface RealtimeDeps {
  state: StateStore;
  clock: Clock;
  rules: readonly SigmaEventRule[];
  /** Told what each batch raised (or why it could not), e.g. for the log or a benchmark. */
  onBatch?: (entry: ManifestEntry, outcome: RaiseOutcome | Error) => void;
}

/**
 * The real-time path for one ingest batch: single-event Sigma rules run in memory over each row as
 * ingest keeps it (only matching rows are held, so memory stays bounded by matches), and the
 * matches are raised as soon as the batch is written and recorded, within seconds of the data
 * landing instead of at the next scheduled cycle.
 *
 * It commits nothing of its own. The scheduled fused scan still runs these rules over the same
 * batch (it is the path that guarantees every alert is raised, whatever happened here) and raises
 * nothing twice: a single-event match is identified by its event_id in both paths, so the scan
 * finds each match already merged into the alert the real-time path stored.
 */
export class RealtimeBatch {
  private readonly byTable = new Map<string, SigmaEventRule[]>();
  private readonly matches = new Map<SigmaEventRule, Match[]>();

  constructor(private readonly deps: RealtimeDeps) {
    for (const rule of deps.rules) {
      if (!rule.enabled || !rule.realtime) continue;
      const list = this.byTable.get(rule.compiled.table) ?? [];
      this.byTable.set(rule.compiled.table, list);
      list.push(rule);
    }
  }

  add(table: string, row: Record<string, unknown>): void {
    for (const rule of this.byTable.get(table) ?? []) {
      if (!rule.matcher(row)) continue;
      const list = this.matches.get(rule) ?? [];
      this.matches.set(rule, list);
      list.push(eventMatch({ ...row }, this.deps.clock.now().toISOString()));
    }
  }

  async written(entry: ManifestEntry): Promise<void> {
    try {
      const outcome = await this.raise();
      this.deps.onBatch?.(entry, outcome);
    } catch (err) {
      // The scheduled cycle raises these matches instead: a failure here delays, never loses, them.
      this.deps.onBatch?.(entry, err as Error);
    }
  }

  private async raise(): Promise<RaiseOutcome> {
    const total: RaiseOutcome = { raised: [], updated: [], suppressed: 0, held: 0 };
    const now = this.deps.clock.now();
    const alerts = new AlertStore(this.deps.state);
    for (const [rule, matches] of this.matches) {
      const outcome = await raiseMatches({ alerts, state: this.deps.state }, rule, matches, now);
      total.raised.push(...outcome.raised);
      total.updated.push(...outcome.updated);
      total.suppressed += outcome.suppressed;
      total.held += outcome.held;
    }
    this.matches.clear();
    return total;
  }
}
