import type { FieldRef } from '../ir.js';
import type { LogSource } from '../types.js';

/**
 * A processing pipeline: where a source's rules run and how Sigma field names become column
 * expressions. One file per source under pipelines/, registered in pipelines/index.ts.
 */
export interface Pipeline {
  name: string;
  /** The table rules of this log source query. */
  table: string;
  /** The column holding event time, for correlation windows. */
  timeColumn: string;
  appliesTo(logsource: LogSource): boolean;
  /** The column expression for a Sigma field; throws SigmaError naming the field when there is none. */
  field(name: string): FieldRef;
  /** The fields a keyword (full-text) search looks in. */
  keywordFields(): FieldRef[];
}
