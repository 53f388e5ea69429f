import type { MantissaConfig } from '../../config/config.js';
import type { Clock } from '../../ports/clock.js';
import type { HttpClient } from '../../ports/http.js';
import type { ClaimedItem, Outbox } from '../../ports/outbox.js';
import type { Secrets } from '../../ports/secrets.js';
import { DeliveryError } from '../destinations/errors.js';
import type { Mailer } from '../destinations/mailer.js';
import type { EnrichmentStore } from '../enrichment/enrich.js';
import { compileRedaction, redactAlert, redactEnrichment } from '../redaction/redact.js';
import type { AlertStore } from '../store.js';
import { backoffMs } from './backoff.js';

export interface DeliveryDeps {
  outbox: Outbox;
  alerts: AlertStore;
  enrichments: EnrichmentStore;
  config: MantissaConfig;
  http: HttpClient;
  secrets: Secrets;
  mailer?: Mailer;
  clock: Clock;
  /** Uniform in [0, 1): the jitter source, injected so tests know every delay. */
  random?: () => number;
}

export type Outcome = 'delivered' | 'retry' | 'dead' | 'skipped' | 'lost-lease';

export interface DeliveryRecord {
  id: string;
  outcome: Outcome;
  attempt: number;
  error?: string;
  reference?: string;
  retryAt?: string;
}

export interface DrainReport {
  delivered: number;
  retried: number;
  deadLettered: number;
  skipped: number;
  records: DeliveryRecord[];
}

/** Replaces every secret value handed out during a delivery, in case a service echoed one back. */
function scrubber(revealed: string[]): (text: string) => string {
  return (text) => revealed.reduce((t, v) => (v.length >= 4 ? t.split(v).join('***') : t), text);
}

/**
 * Delivers every due outbox item once: claim, load the alert as it is now, redact for the
 * destination, deliver, and settle. A retryable failure is retried from the Retry-After time when
 * the service gave one, else after full-jitter backoff; a permanent failure, or the last allowed
 * attempt, dead-letters the item with its error. Nothing is dropped: every claimed item ends
 * acked, rescheduled or dead-lettered (or, if this process dies, its lease lapses and another
 * worker takes it).
 */
export async function drainOutbox(deps: DeliveryDeps, opts: { batch?: number; maxBatches?: number } = {}) {
  const report: DrainReport = { delivered: 0, retried: 0, deadLettered: 0, skipped: 0, records: [] };
  const { delivery } = deps.config;
  const batchSize = opts.batch ?? 10;
  // Items of a batch go out one after another, so the lease must outlast the whole batch: up to
  // three timeouts each (SMTP has connect, greeting and socket timeouts), plus a margin. Otherwise
  // a second worker could claim the tail of the batch while this one is still sending it.
  const leaseMs = batchSize * 3 * delivery.timeout + 60_000;
  for (let batch = 0; batch < (opts.maxBatches ?? 50); batch++) {
    const items = await deps.outbox.claim(deps.clock.now(), { limit: batchSize, leaseMs });
    if (items.length === 0) break;
    for (const item of items) {
      const record = await deliverOne(deps, item);
      report.records.push(record);
      if (record.outcome === 'delivered') report.delivered += 1;
      else if (record.outcome === 'retry') report.retried += 1;
      else if (record.outcome === 'dead') report.deadLettered += 1;
      else if (record.outcome === 'skipped') report.skipped += 1;
    }
  }
  return report;
}

/**
 * Delivers one claimed item and settles it (ack, fail with a retry time, or dead-letter): the
 * step `drainOutbox` takes per item, and what the AWS router runs per message SQS hands it.
 */
export async function deliverOne(deps: DeliveryDeps, item: ClaimedItem): Promise<DeliveryRecord> {
  const { message, leaseToken, attempts } = item;
  const base = { id: message.id, attempt: attempts };
  const settle = async (outcome: Outcome, result: boolean, extra: Partial<DeliveryRecord> = {}) =>
    ({ ...base, ...extra, outcome: result ? outcome : 'lost-lease' }) as DeliveryRecord;
  const dead = async (error: string) =>
    settle('dead', await deps.outbox.deadLetter(message.id, leaseToken, error, deps.clock.now()), { error });
  const skip = async (reason: string) =>
    settle('skipped', await deps.outbox.ack(message.id, leaseToken, deps.clock.now()), { error: reason });

  const destination = deps.config.destinations.get(message.destination);
  if (!destination) return dead(`destination ${message.destination} is not in config.yaml`);
  const alert = await deps.alerts.get(message.alertId);
  if (!alert) return dead(`alert ${message.alertId} no longer exists`);
  if (message.event === 'escalate' && alert.status !== 'open')
    return skip(`alert is ${alert.status}, not escalated`);
  if (!destination.kind.events.includes(message.event)) {
    return skip(`${destination.type} destinations do not take ${message.event} events`);
  }

  const patterns = compileRedaction(destination.redact);
  const enrichment = await deps.enrichments.get(alert.id);
  const revealed: string[] = [];
  const scrub = scrubber(revealed);
  try {
    const result = await destination.kind.deliver(destination.settings, {
      alert: redactAlert(alert, patterns),
      enrichment: enrichment && redactEnrichment(enrichment, patterns),
      event: message.event,
      eventId: message.id,
      destination: destination.name,
      now: deps.clock.now(),
      http: deps.http,
      mailer: deps.mailer,
      timeoutMs: deps.config.delivery.timeout,
      async secret(name) {
        const value = await deps.secrets.get(name);
        if (value === undefined || value === '') throw new DeliveryError(`secret ${name} is not set`, false);
        revealed.push(value);
        return value;
      },
    });
    const acked = await deps.outbox.ack(message.id, leaseToken, deps.clock.now());
    return settle('delivered', acked, result.reference ? { reference: result.reference } : {});
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, true);
    const error = scrub(`${e.opts.ambiguous ? 'timeout (the service may have acted): ' : ''}${e.message}`);
    if (!e.retryable || attempts >= deps.config.delivery.max_attempts) {
      return dead(e.retryable ? `gave up after ${attempts} attempts: ${error}` : error);
    }
    const now = deps.clock.now();
    const wait =
      e.opts.retryAfterMs ??
      backoffMs(attempts, {
        baseMs: deps.config.delivery.backoff_base,
        capMs: deps.config.delivery.backoff_cap,
        random: deps.random ?? Math.random,
      });
    const retryAt = new Date(now.getTime() + wait);
    const failed = await deps.outbox.fail(message.id, leaseToken, error, retryAt, now);
    return settle('retry', failed, { error, retryAt: retryAt.toISOString() });
  }
}
