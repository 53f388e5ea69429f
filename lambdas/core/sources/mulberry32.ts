/**
 * The sample generators' one seeded random source: mulberry32 (small, fast, the same on every
 * platform), with the draws the generators make. How a generator turns its sample seed into the
 * 32-bit state differs between generator families (each file says how), and changing any derivation
 * or draw would change that family's samples and the tests that count their rows.
 */

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface Mulberry32Options {
  /**
   * The UUID variant nibble: drawn from 8, 9, a, b (one more draw), or always `a`, as the AWS and
   * SaaS samples were first made. @default 'drawn'
   */
  uuidVariant?: 'drawn' | 'a';
}

export class Mulberry32 {
  private state: number;
  private readonly fixedVariant: boolean;

  constructor(state: number, opts: Mulberry32Options = {}) {
    this.state = state >>> 0;
    this.fixedVariant = opts.uuidVariant === 'a';
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** A key of `mix`, by relative weight. */
  weighted<K extends string>(mix: Partial<Record<K, number>>): K {
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

  hex(length: number): string {
    return this.chars(HEX, length);
  }

  alnum(length: number): string {
    return this.chars(ALNUM, length);
  }

  /** A version-4 UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = this.fixedVariant ? 'a' : HEX.charAt(8 + Math.floor(this.next() * 4));
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /** A Poisson-distributed count with this mean (Knuth's method). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }
}
