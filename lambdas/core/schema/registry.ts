import { identityEventsSchema } from '../identity/schema.js';
import { cloudtrailSchema } from '../sources/cloudtrail/schema.js';
import type { TableSchema } from './types.js';

/**
 * Every table of the lake. The local DuckDB views, the SQL allowlist and the Glue tables of the
 * CDK stack are all generated from this list.
 */
export const TABLES: readonly TableSchema[] = [
  cloudtrailSchema,
  // Derived tables, fed by several sources.
  identityEventsSchema,
];

export function tableNamed(name: string): TableSchema | undefined {
  return TABLES.find((t) => t.name === name);
}
