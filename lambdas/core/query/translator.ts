import type { Catalog } from './catalog.js';

/** One earlier question of a session and what answered it. */
export interface SessionTurn {
  question: string;
  sql: string;
  translator: string;
  /** The translator's own record of the turn (the offline translator's intent), for follow-ups. */
  state?: unknown;
}

export interface TranslateInput {
  question: string;
  catalog: Catalog;
  now: Date;
  history: readonly SessionTurn[];
  /** Runs a helper query through the same validation and bounds as an answer (used for geo lookups). */
  lookup(sql: string): Promise<Record<string, unknown>[]>;
}

export interface Translation {
  sql: string;
  explanation: string;
  assumptions: string[];
  state?: unknown;
  usage?: { inputTokens: number; outputTokens: number; costUsd: number | undefined; attempts: number };
}

/** Turns a question into SQL: a language model, or the offline translator. */
export interface Translator {
  /** `offline`, or `<provider>:<model>`: reported with every answer and part of the cache key. */
  readonly name: string;
  translate(input: TranslateInput): Promise<Translation>;
  /** Another attempt, told exactly why the last SQL was refused or failed. */
  repair?(input: TranslateInput, failed: Translation, error: string): Promise<Translation>;
}

/** The translator cannot answer this question; the message says why, plainly, for the person asking. */
export class BeyondTranslatorError extends Error {
  override readonly name = 'BeyondTranslatorError';
}
