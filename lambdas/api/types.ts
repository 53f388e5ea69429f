import type { Hono } from 'hono';
import type { z } from 'zod';
import type { AlertStore } from '../core/alerts/store.js';
import type { Clock } from '../core/ports/clock.js';
import type { QueryEngine } from '../core/ports/query-engine.js';
import type { SqlRule } from '../core/rules/sql-rule.js';
import type { Principal, TokenVerifier } from './auth.js';

export interface ApiDeps {
  verifier: TokenVerifier;
  alerts: AlertStore;
  query: QueryEngine;
  clock: Clock;
  /** Tables SQL may read. */
  tables: readonly string[];
  rules: () => readonly SqlRule[];
  version: string;
}

export type ApiApp = Hono<{ Variables: { principal: Principal } }>;

/** One area of the API: its routes, and their part of the OpenAPI document. */
export interface RouteModule {
  register(app: ApiApp, deps: ApiDeps): void;
  /** OpenAPI path items, keyed by path. */
  paths: Record<string, unknown>;
  /** OpenAPI component schemas the paths refer to. */
  schemas?: Record<string, unknown>;
}

export function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
