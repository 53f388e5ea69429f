import { Mulberry32 } from './mulberry32.js';

/**
 * Seeded randomness for the AWS sources' sample generators (VPC Flow Logs, GuardDuty, Security Hub,
 * CloudWatch Logs): same seed, same sample. Each generator gets its own stream of the seed (its
 * name hashed in), so adding draws to one leaves the others alone; UUID variants are always `a`.
 */
export class SampleRandom extends Mulberry32 {
  constructor(seed: number, stream: string) {
    let h = seed >>> 0;
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x9e3779b1) >>> 0;
    super(h, { uuidVariant: 'a' });
  }
}

/** `2026-11-21T07:05:00Z` -> `20261121T0705Z`, as AWS names delivery files. */
export function compactTime(t: Date): string {
  return t.toISOString().replace(/[-:]/g, '').slice(0, 13).concat('Z');
}

export function datePath(t: Date): string {
  return t.toISOString().slice(0, 10).replaceAll('-', '/');
}
