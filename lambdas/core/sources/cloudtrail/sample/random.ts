/**
 * The CloudTrail sample's seeded randomness: one mulberry32 stream per named part of a seed, so the
 * background, the attacks and the delivery files draw independently. Not `sample-random.ts`: the
 * two derive streams differently, and changing either would change its samples.
 */

/** Relative weights (or, for errors, probabilities) by name. */
export type Mix<K extends string> = Partial<Record<K, number>>;

/** What the API catalogue needs from the seeded random source. */
export interface Random {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<K extends string>(mix: Mix<K>): K;
  chars(alphabet: string, length: number): string;
  uuid(): string;
}

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
export const B64 = `${ALNUM}+/`;

/** mulberry32: small, fast, and the same on every platform. */
export class Rng implements Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
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
  weighted<K extends string>(mix: Mix<K>): K {
    const entries = Object.entries(mix) as [K, number][];
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [item, w] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    return this.pick(entries)[0];
  }
  chars(alphabet: string, length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return s;
  }
  uuid(): string {
    const h = this.chars(HEX, 32);
    const variant = HEX.charAt(8 + Math.floor(this.next() * 4));
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
  }
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }
}

/** A 32-bit seed for one named stream of a sample seed. */
export function streamSeed(seed: number, stream: string): number {
  let h = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  h = Math.imul(h ^ (Math.trunc(seed / 4294967296) >>> 0), 0x85ebca6b) >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
