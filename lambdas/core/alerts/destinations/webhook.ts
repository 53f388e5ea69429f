import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { publicAlert } from './format.js';
import { sendRaw } from './http-send.js';
import { defineDestination } from './types.js';

const WebhookSettings = z.strictObject({
  url: z.url(),
  /** Name of the secret the HMAC-SHA256 signature is keyed with. */
  secret: z.string().min(1),
  /** Extra headers sent as they are (no secrets here: this file is not secret). */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
});
type Settings = z.infer<typeof WebhookSettings>;

export const WEBHOOK_HEADERS = {
  id: 'x-mantissa-event-id',
  timestamp: 'x-mantissa-timestamp',
  signature: 'x-mantissa-signature',
} as const;

/** `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>`: the timestamp is signed so it cannot be replaced. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute the signature in constant time and refuse a timestamp more than
 * `toleranceSeconds` from its clock, so a captured request cannot be replayed later. Receivers
 * deduplicate on the event id header.
 */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A generic JSON webhook. Each attempt is signed afresh with the time it is sent; the event id
 * stays the same on every attempt, so a receiver that deduplicates on it sees each event once even
 * after a retry that followed a timeout.
 */
export const webhook = defineDestination<Settings>({
  type: 'webhook',
  settings: WebhookSettings,
  events: ['trigger', 'escalate', 'resolve'],
  idempotent: true,
  async deliver(s, ctx) {
    const secret = await ctx.secret(s.secret);
    const body = JSON.stringify({
      id: ctx.eventId,
      type: `alert.${ctx.event}`,
      sent_at: ctx.now.toISOString(),
      alert: publicAlert(ctx.alert),
      enrichment: ctx.enrichment ?? null,
    });
    const timestamp = String(Math.floor(ctx.now.getTime() / 1000));
    await sendRaw(ctx, s.url, body, {
      ...s.headers,
      'content-type': 'application/json',
      [WEBHOOK_HEADERS.id]: ctx.eventId,
      [WEBHOOK_HEADERS.timestamp]: timestamp,
      [WEBHOOK_HEADERS.signature]: webhookSignature(secret, timestamp, body),
    });
    return { reference: ctx.eventId };
  },
});
