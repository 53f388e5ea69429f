import type { MantissaConfig } from '../../config/config.js';
import type { Outbox, OutboxMessage } from '../../ports/outbox.js';
import type { StateStore } from '../../ports/state-store.js';
import type { Alert } from '../model.js';
import type { AlertStore } from '../store.js';
import { matches } from './match.js';

export interface PlannedMessage {
  message: OutboxMessage;
  /** Later than now for escalations. */
  availableAt: Date;
}

export function messageId(alertId: string, destination: string, event: OutboxMessage['event']): string {
  return `${alertId}:${destination}:${event}`;
}

/**
 * The outbox messages an alert calls for: one trigger per destination of every matching route
 * (a destination named by two routes is notified once), and one escalation per escalation target,
 * due `after` the alert was raised. Only open alerts are routed; suppressed ones stay quiet.
 */
export function planRouting(alert: Alert, config: MantissaConfig): PlannedMessage[] {
  if (alert.status !== 'open') return [];
  const now = new Date(alert.createdAt);
  const planned = new Map<string, PlannedMessage>();
  for (const route of config.routes) {
    if (!matches(route.match, alert)) continue;
    for (const destination of route.to) {
      const id = messageId(alert.id, destination, 'trigger');
      planned.set(id, {
        message: { id, destination, alertId: alert.id, event: 'trigger' },
        availableAt: now,
      });
    }
    if (route.escalate) {
      const at = new Date(now.getTime() + route.escalate.after);
      for (const destination of route.escalate.to) {
        const id = messageId(alert.id, destination, 'escalate');
        const earlier = planned.get(id);
        // Two routes escalating to one destination: the earlier deadline wins.
        if (!earlier || earlier.availableAt > at) {
          planned.set(id, {
            message: { id, destination, alertId: alert.id, event: 'escalate' },
            availableAt: at,
          });
        }
      }
    }
  }
  return [...planned.values()];
}

export interface RoutingDeps {
  config: MantissaConfig;
  outbox: Outbox;
  state: StateStore;
  now: Date;
  /** Computes and stores the alert's enrichment before anything is enqueued; may throw. */
  enrich?: (alert: Alert) => Promise<void>;
}

export interface RoutingReport {
  alerts: number;
  enqueued: number;
  errors: { alertId: string; error: string }[];
}

const ROUTED = 'alert-routed';

/**
 * Routes alerts: enrich, enqueue, then mark routed. Enqueuing is idempotent (message ids derive
 * from alert, destination and event), so a crash anywhere before the mark only means the next
 * sweep does it again, and nothing is sent twice. Enrichment failing does not stop delivery.
 */
export async function routeAlerts(deps: RoutingDeps, alerts: readonly Alert[]): Promise<RoutingReport> {
  const report: RoutingReport = { alerts: 0, enqueued: 0, errors: [] };
  for (const alert of alerts) {
    try {
      const planned = planRouting(alert, deps.config);
      if (planned.length > 0 && deps.enrich) {
        try {
          await deps.enrich(alert);
        } catch (err) {
          report.errors.push({ alertId: alert.id, error: `enrichment failed: ${(err as Error).message}` });
        }
      }
      for (const p of planned) {
        if (await deps.outbox.enqueue(p.message, deps.now, p.availableAt)) report.enqueued += 1;
      }
      // The mark outlives the sweep's 24-hour window, then expires so the set stays small.
      await deps.state.put(
        ROUTED,
        alert.id,
        { at: deps.now.toISOString(), messages: planned.length },
        { expiresAt: Math.floor(deps.now.getTime() / 1000) + 3 * 86_400 },
      );
      report.alerts += 1;
    } catch (err) {
      report.errors.push({ alertId: alert.id, error: (err as Error).message });
    }
  }
  return report;
}

/**
 * Alerts raised since `since` that were never marked routed: those whose routing was interrupted
 * (a crash, an unreadable config.yaml). The delivery loop routes them on every tick.
 */
export async function unroutedAlerts(store: AlertStore, state: StateStore, since: Date): Promise<Alert[]> {
  const routed = new Set((await state.query(ROUTED, {})).map((i) => i.sk));
  const iso = since.toISOString();
  // By when the alert was raised, not last seen: detection over replayed or late logs raises alerts
  // today about events of days ago, and those must be routed too.
  return (await store.all()).filter((a) => a.createdAt >= iso && !routed.has(a.id));
}

/** Statuses that close an alert: destinations that were told about it hear that it is over. */
const CLOSED = new Set<string>(['resolved', 'false-positive']);

/**
 * Resolve messages for closed alerts, one per destination that was sent the trigger and takes
 * resolve events (PagerDuty resolves the incident; chat destinations post a RESOLVED message).
 * Enqueuing is idempotent, so running this on every tick sends each resolution once.
 */
export async function routeResolutions(
  deps: Pick<RoutingDeps, 'config' | 'outbox' | 'now'>,
  alerts: readonly Alert[],
): Promise<number> {
  let enqueued = 0;
  for (const alert of alerts) {
    if (!CLOSED.has(alert.status)) continue;
    for (const [name, destination] of deps.config.destinations) {
      if (!destination.kind.events.includes('resolve')) continue;
      const trigger = await deps.outbox.get(messageId(alert.id, name, 'trigger'));
      if (trigger?.state !== 'delivered') continue;
      const id = messageId(alert.id, name, 'resolve');
      if (
        await deps.outbox.enqueue({ id, destination: name, alertId: alert.id, event: 'resolve' }, deps.now)
      ) {
        enqueued += 1;
      }
    }
  }
  return enqueued;
}
