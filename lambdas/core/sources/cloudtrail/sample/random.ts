/**
 * The CloudTrail sample's seeded randomness: one mulberry32 stream (../../mulberry32.ts) per named
 * part of a seed, so the background, the attacks and the delivery files draw independently.
 */
import { Mulberry32 } from '../../mulberry32.js';

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

/** The shared mulberry32 source, seeded with a stream's 32-bit seed (streamSeed) as it is. */
export class Rng extends Mulberry32 implements Random {}

/** A 32-bit seed for one named stream of a sample seed. */
export function streamSeed(seed: number, stream: string): number {
  let h = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  h = Math.imul(h ^ (Math.trunc(seed / 4294967296) >>> 0), 0x85ebca6b) >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
