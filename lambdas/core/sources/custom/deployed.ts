/**
 * Custom sources on AWS. The CDK app reads the sources file when it synthesises (`-c sourcesFile=…`),
 * freezes it (inferred columns written out) and gives the frozen declarations to two consumers from
 * one value: the Glue tables, built here from that value, and the functions, which get the value as
 * the environment variable below and build their sources and tables with the same code.
 *
 * Why an environment variable, not a config object in the lake bucket or a copy in the bundle: it is
 * part of the function's configuration in the same CloudFormation template as the Glue tables, so one
 * deployment changes both or neither; a change starts new containers (nothing cached goes stale);
 * nobody can edit it apart from the stack without CloudFormation seeing drift; and it needs no custom
 * resource, no extra permission and no read at start-up. Its cost is Lambda's 4 KB limit on a
 * function's environment, checked at synth (DECLARATIONS_BUDGET).
 */
import { TABLES } from '../../schema/registry.js';
import { CustomSourceError } from './config.js';
import { type CustomSourceConfig, type CustomSources, customSourcesFrom } from './index.js';

/** The functions' environment variable holding the frozen declarations, `{"sources":[…]}` as JSON. */
export const CUSTOM_SOURCES_ENV = 'MANTISSA_CUSTOM_SOURCES';

/**
 * Most bytes the declarations may take: Lambda allows 4 KB for all of a function's variables, and the
 * stack's own (bucket, table, queue and pool names, resolved at deploy) take up to about 1 KB.
 */
export const DECLARATIONS_BUDGET = 3_000;

/**
 * The variable's value. Plain JSON rather than compressed: it reads as is in the console and the
 * template, and it is the same bytes on every machine (deflate output can differ between zlib
 * builds, which would make every deploy from another machine update the functions).
 */
export function declarationsValue(declarations: readonly CustomSourceConfig[]): string {
  return JSON.stringify({ sources: declarations });
}

/**
 * Sources and tables from the variable's value (absent or empty: none), through the same parser and
 * builder as a sources file, errors naming the variable. Built-in table names are reserved as locally.
 */
export function deployedCustomSources(value: string | undefined): CustomSources {
  if (value === undefined || value.trim() === '') return { sources: [], tables: [], declarations: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch (err) {
    throw new CustomSourceError(CUSTOM_SOURCES_ENV, '', `not JSON: ${(err as Error).message}`);
  }
  return customSourcesFrom(doc, { file: CUSTOM_SOURCES_ENV, builtInTables: TABLES.map((t) => t.name) });
}
