import type { ExprName } from './vocabulary.js';

export type Dialect = 'duckdb' | 'athena';

/** One comparison; values are literals, quoted when rendered. */
export interface Term {
  expr: ExprName;
  op: '=' | 'IN' | 'IS NULL' | 'IS NOT NULL' | 'LIKE' | 'BOOL';
  values?: string[];
}

/** A named condition; a newer filter with the same key replaces an older one in a follow-up. */
export interface Filter {
  key: string;
  label: string;
  terms: Term[];
  /** Terms OR-ed instead of AND-ed. */
  any?: boolean;
}

export type Shape = 'list' | 'count' | 'count_distinct' | 'group' | 'distinct' | 'last' | 'first';

/**
 * What a question asks, in a form that can be stored with the session and refined by a follow-up
 * ("only failures" adds a filter, "group by user" changes the shape), then rendered per dialect.
 */
export interface Intent {
  filters: Filter[];
  time?: { from: string; to?: string; label: string };
  shape: Shape;
  dims: ExprName[];
  top?: number;
  /** Addresses resolved to countries offline at translation time. */
  geo?: { country: string; name: string; outside: boolean };
}

export function mergeIntent(previous: Intent, next: Partial<Intent>): Intent {
  const filters = [...previous.filters];
  for (const f of next.filters ?? []) {
    const at = filters.findIndex((p) => p.key === f.key);
    if (at >= 0) filters[at] = f;
    else filters.push(f);
  }
  const merged: Intent = { ...previous, filters };
  if (next.time) merged.time = next.time;
  if (next.geo) merged.geo = next.geo;
  if (next.shape && next.shape !== 'list') {
    merged.shape = next.shape;
    merged.dims = next.dims ?? [];
    if (next.top !== undefined) merged.top = next.top;
    else delete merged.top;
  }
  return merged;
}
