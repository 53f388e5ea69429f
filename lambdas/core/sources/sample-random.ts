/** Seeded randomness for the AWS sources' sample generators: same seed, same sample. */
export class SampleRandom {
  private state: number;

  constructor(seed: number, stream: string) {
    // Each generator gets its own stream of the seed, so adding draws to one leaves the others alone.
    let h = seed >>> 0;
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x9e3779b1) >>> 0;
    this.state = h;
  }

  /** mulberry32: small, fast, and the same on every platform. */
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

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += '0123456789abcdef'.charAt(Math.floor(this.next() * 16));
    return s;
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

/** `2026-11-21T07:05:00Z` -> `20261121T0705Z`, as AWS names delivery files. */
export function compactTime(t: Date): string {
  return t.toISOString().replace(/[-:]/g, '').slice(0, 13).concat('Z');
}

export function datePath(t: Date): string {
  return t.toISOString().slice(0, 10).replaceAll('-', '/');
}
