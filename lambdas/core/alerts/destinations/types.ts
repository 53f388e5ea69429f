import type { z } from 'zod';
import type { HttpClient } from '../../ports/http.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import type { Enrichment } from '../enrichment/types.js';
import type { Alert } from '../model.js';
import type { Mailer } from './mailer.js';

export type DeliveryEvent = OutboxMessage['event'];

/** Everything a destination needs for one delivery. `alert` and `enrichment` are already redacted. */
export interface DeliveryContext {
  alert: Alert;
  enrichment: Enrichment | undefined;
  event: DeliveryEvent;
  /** The outbox message id: stable across retries, so usable as an idempotency key. */
  eventId: string;
  destination: string;
  now: Date;
  http: HttpClient;
  /** Resolves a secret by name; a missing secret is a permanent DeliveryError. */
  secret(name: string): Promise<string>;
  mailer: Mailer | undefined;
  timeoutMs: number;
}

export interface DeliveryResult {
  /** What the service calls the thing it created (incident number, issue key, message ts). */
  reference?: string;
}

/**
 * One kind of destination: its settings schema (validated when config.yaml is read) and how it
 * delivers. `idempotent` says whether a redelivery of the same event can create a second thing at
 * the service (false: at-least-once, a timeout may yield a duplicate).
 */
export interface DestinationType<S = unknown> {
  type: string;
  settings: z.ZodType<S>;
  events: readonly DeliveryEvent[];
  idempotent: boolean;
  deliver(settings: S, ctx: DeliveryContext): Promise<DeliveryResult>;
}

/** Keeps each destination's settings type while the registry holds them side by side. */
export function defineDestination<S>(d: DestinationType<S>): DestinationType<unknown> {
  return d as DestinationType<unknown>;
}
