/**
 * Seeded randomness and time helpers for the SaaS sample generators (GCP audit, GitHub, Kubernetes,
 * Duo, Slack): the same seed gives the same sample on every platform; times derive from `end` only.
 */
import type { SampleOptions } from '../types.js';

export const HOUR_MS = 3_600_000;
export const HEX = '0123456789abcdef';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** mulberry32, seeded per named stream so adding a stream does not shift the others. */
export class Rng {
  private state: number;
  constructor(seed: number, stream: string) {
    let h = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    this.state = (h ^ (h >>> 13)) >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chars(alphabet: string, length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return s;
  }
  uuid(): string {
    const h = this.chars(HEX, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
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
