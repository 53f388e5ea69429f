import type { LogSource } from '../types.js';
import { cloudtrailPipeline } from './cloudtrail.js';
import type { Pipeline } from './types.js';

export type { Pipeline } from './types.js';

/** Every source's pipeline. A new source adds its file and one entry here. */
export const PIPELINES: readonly Pipeline[] = [cloudtrailPipeline];

export function pipelineFor(logsource: LogSource): Pipeline | undefined {
  return PIPELINES.find((p) => p.appliesTo(logsource));
}

export function pipelineNamed(name: string): Pipeline | undefined {
  return PIPELINES.find((p) => p.name === name);
}
