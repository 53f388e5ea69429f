import { TABLES } from '../../core/schema/registry.js';
import type { TableSchema } from '../../core/schema/types.js';
import { CUSTOM_SOURCES_ENV, deployedCustomSources } from '../../core/sources/custom/deployed.js';
import type { CustomSources } from '../../core/sources/custom/index.js';
import { SOURCES } from '../../core/sources/registry.js';
import type { SourceModule } from '../../core/sources/types.js';

/** Built once per value: handlers ask on every invocation, tests change the environment between cases. */
const built = new Map<string, CustomSources>();

function custom(env: NodeJS.ProcessEnv): CustomSources {
  const value = env[CUSTOM_SOURCES_ENV] ?? '';
  let sources = built.get(value);
  if (!sources) {
    sources = deployedCustomSources(value);
    built.set(value, sources);
  }
  return sources;
}

/**
 * Every table a function on AWS sees: the registry's, then the custom sources the stack deployed
 * (`MANTISSA_CUSTOM_SOURCES`, the same declarations as their Glue tables). A value that does not
 * validate throws, so a function never runs with part of the lake missing.
 */
export function lakeTables(env: NodeJS.ProcessEnv = process.env): TableSchema[] {
  return [...TABLES, ...custom(env).tables];
}

/** Every source the ingest function reads, in the local runtime's order: built-in, then custom. */
export function lakeSources(env: NodeJS.ProcessEnv = process.env): SourceModule[] {
  return [...SOURCES, ...custom(env).sources];
}
