import { athena } from './athena.js';
import { bigquery } from './bigquery.js';
import type { Dialect } from './dialect.js';
import { duckdb } from './duckdb.js';
import { tsql } from './tsql.js';

export type DialectName = Dialect['name'];

export const DIALECTS: Record<DialectName, Dialect> = { duckdb, athena, bigquery, tsql };
