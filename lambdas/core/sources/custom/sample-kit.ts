/**
 * Seeded randomness and time helpers for the SaaS sample generators (GCP audit, GitHub, Kubernetes,
 * Duo, Slack): the same seed gives the same sample on every platform; times derive from `end` only.
 */
import { Mulberry32 } from '../mulberry32.js';
import type { SampleOptions } from '../types.js';

export const HOUR_MS = 3_600_000;
export const HEX = '0123456789abcdef';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** mulberry32, seeded per named stream so adding a stream does not shift the others; UUID variants `a`. */
export class Rng extends Mulberry32 {
  constructor(seed: number, stream: string) {
    let h = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    super(h ^ (h >>> 13), { uuidVariant: 'a' });
  }
}

/** The sample's time range in ms: events fall in [first, last], the last a minute before `end`. */
export function sampleRange(opts: SampleOptions): { first: number; last: number; end: number } {
  const end = opts.end.getTime();
  if (!Number.isFinite(end) || !(opts.days > 0))
    throw new RangeError('the sample needs a valid end and days > 0');
  return { first: end - opts.days * 24 * HOUR_MS, last: end - 60_000, end };
}

/** Office-hours weight (UTC 13-23 busy, nights quiet) so benign activity has a daily rhythm. */
export function workload(ms: number): number {
  const hour = new Date(ms).getUTCHours();
  const day = new Date(ms).getUTCDay();
  const base = hour >= 13 && hour <= 23 ? 1 : 0.15;
  return day === 0 || day === 6 ? base * 0.3 : base;
}

/** One hour start after another over the range, for generators that emit activity hour by hour. */
export function* hours(first: number, last: number): Generator<number> {
  for (let h = Math.floor(first / HOUR_MS) * HOUR_MS; h <= last; h += HOUR_MS) yield h;
}

/** NDJSON text of records, one a line, as most SaaS exporters and log shippers write them. */
export function ndjson(records: readonly unknown[]): Uint8Array {
  return Buffer.from(
    records
      .map((r) => JSON.stringify(r))
      .join('\n')
      .concat('\n'),
  );
}
