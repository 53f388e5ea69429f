import type { Hono } from 'hono';
import type { z } from 'zod';
import type { AlertStore } from '../core/alerts/store.js';
import type { Clock } from '../core/ports/clock.js';
import type { Outbox } from '../core/ports/outbox.js';
import type { QueryEngine } from '../core/ports/query-engine.js';
import type { StateStore } from '../core/ports/state-store.js';
import type { NaturalLanguage } from '../core/query/natural-language.js';
import type { AlertRule } from '../core/rules/rule.js';
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
  /** Sigma rules as detection loaded them, listed by GET /api/v1/rules beside the SQL rules. */
  sigmaRules?: () => Promise<readonly (AlertRule & { file: string; enabled: boolean; sigmaId?: string })[]>;
  /** Where rule overrides (enable/disable) are kept; without it PATCH /api/v1/rules/{id} answers 404. */
  state?: StateStore;
  /** Natural-language questions and rule drafts; without it /api/v1/query answers 404. */
  nl?: () => Promise<NaturalLanguage>;
  /** Alert notifications (SQLite locally, SQS + the state table on AWS); without it /api/v1/outbox answers 404. */
  outbox?: Outbox;
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
