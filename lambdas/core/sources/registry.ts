import { cloudtrail } from './cloudtrail/index.js';
import type { SourceModule } from './types.js';

/** Every log source Mantissa Log reads, in the order content detection tries them. */
export const SOURCES: readonly SourceModule[] = [cloudtrail];

export function sourceNamed(name: string): SourceModule | undefined {
  return SOURCES.find((s) => s.name === name);
}
