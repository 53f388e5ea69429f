import { randomUUID } from 'node:crypto';
import { LlmError } from '../llm/types.js';
import type { Clock } from '../ports/clock.js';
import type { QueryEngine, ResultColumn } from '../ports/query-engine.js';
import type { StateStore } from '../ports/state-store.js';
import type { CatalogSource } from './catalog.js';
import { athenaCostUsd, type ScanEstimator } from './estimate.js';
import { type PreparedSql, prepareSql } from './prepare.js';
import { type Session, SessionStore, TranslationCache } from './session.js';
import { SqlRejectedError } from './sql-guard.js';
import {
  BeyondTranslatorError,
  type TranslateInput,
  type Translation,
  type Translator,
} from './translator.js';

export const ASK_MAX_ROWS = 10_000;
export const ASK_TIMEOUT_MS = 120_000;
/** Repair rounds after a refusal or an execution error: the model sees the error each time. */
export const MAX_REPAIRS = 2;

export interface AskServiceOptions {
  query: QueryEngine;
  state: StateStore;
  clock: Clock;
  catalog: CatalogSource;
  tables: readonly string[];
  /** A language model translator first (when configured), the offline one last. */
  translators: readonly Translator[];
  estimator?: ScanEstimator;
  /** Above this estimated Athena cost the answer asks for confirmation instead of running. @default 1 */
  confirmAboveUsd?: number;
  defaultWindowMs?: number;
}

export interface AskRequest {
  question: string;
  /** Who asks: sessions belong to one principal. */
  principal: string;
  sessionId?: string;
  /** false: translate, validate and estimate only. @default true */
  execute?: boolean;
  /** Run even when the estimate is above the confirmation threshold. */
  confirm?: boolean;
}

export interface AskAnswer {
  question: string;
  sessionId: string;
  translator: string;
  sql: string;
  explanation: string;
  assumptions: string[];
  limit: PreparedSql['limit'];
  timeBound: PreparedSql['timeBound'] | null;
  estimate: { bytes: number; usd: number; files: number; basis: string } | null;
  /** True when the estimate is above the threshold and `confirm` was not given: nothing ran. */
  needsConfirmation: boolean;
  executed: boolean;
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  repairs: { sql: string; error: string }[];
  llm: { inputTokens: number; outputTokens: number; costUsd: number | null; attempts: number } | null;
  /** Why a configured model did not answer, when the offline translator stood in. */
  fallback: string | null;
  cached: boolean;
}

/** The question could not be answered; `code` picks the HTTP status. */
export class AskError extends Error {
  override readonly name = 'AskError';
  constructor(
    readonly code:
      | 'beyond'
      | 'rejected'
      | 'query_failed'
      | 'estimate_failed'
      | 'timeout'
      | 'not_found'
      | 'llm',
    message: string,
  ) {
    super(message);
  }
}

/** Question -> SQL -> validation -> estimate -> execution, in a session, with repair rounds. */
export class AskService {
  private readonly sessions: SessionStore;
  private readonly cache: TranslationCache;

  constructor(private readonly opts: AskServiceOptions) {
    this.sessions = new SessionStore(opts.state, opts.clock);
    this.cache = new TranslationCache(opts.state, opts.clock);
  }

  prepare(sql: string): PreparedSql {
    return prepareSql(sql, {
      tables: this.opts.tables,
      maxRows: ASK_MAX_ROWS,
      now: this.opts.clock.now(),
      ...(this.opts.defaultWindowMs ? { defaultWindowMs: this.opts.defaultWindowMs } : {}),
    });
  }

  async ask(req: AskRequest): Promise<AskAnswer> {
    const now = this.opts.clock.now();
    let session: Session = { id: req.sessionId ?? randomUUID(), owner: req.principal, turns: [] };
    if (req.sessionId) {
      const found = await this.sessions.load(req.sessionId, req.principal);
      if (!found)
        throw new AskError(
          'not_found',
          `no session ${req.sessionId} (sessions expire 12 hours after their last question)`,
        );
      session = found;
    }
    const catalog = await this.opts.catalog.get();
    const input: TranslateInput = {
      question: req.question,
      catalog,
      now,
      history: session.turns,
      lookup: async (sql) => {
        const p = this.prepare(sql);
        return (
          await this.opts.query.query(p.sql, {
            maxRows: ASK_MAX_ROWS,
            timeoutMs: ASK_TIMEOUT_MS,
            scopes: p.scopes,
          })
        ).rows;
      },
    };

    let fallback: string | null = null;
    let translator: Translator | undefined;
    let translation: Translation | undefined;
    let cached = false;
    for (const candidate of this.opts.translators) {
      const key = this.cache.key({
        translator: candidate.name,
        question: req.question,
        catalogVersion: catalog.version,
        context: session.turns.map((t) => t.sql),
      });
      try {
        const hit = await this.cache.get<Translation>(key);
        translation = hit ?? (await candidate.translate(input));
        cached = Boolean(hit);
        translator = candidate;
        if (!hit) await this.cache.put(key, translation);
        break;
      } catch (err) {
        if (err instanceof BeyondTranslatorError) throw new AskError('beyond', err.message);
        // A model that is down or answers garbage hands over to the next translator (the offline
        // one), and the answer says why; the last translator's errors are the answer's.
        const last = candidate === this.opts.translators.at(-1);
        if (!last && err instanceof Error) {
          fallback = `${candidate.name} failed: ${err.message}`;
          continue;
        }
        if (err instanceof LlmError) throw new AskError('llm', err.message);
        throw err;
      }
    }
    if (!translator || !translation) throw new AskError('llm', fallback ?? 'no translator is configured');

    const repairs: AskAnswer['repairs'] = [];
    const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 as number | null, attempts: 0 };
    const count = (t: Translation) => {
      if (!t.usage) return;
      usage.inputTokens += t.usage.inputTokens;
      usage.outputTokens += t.usage.outputTokens;
      usage.attempts += t.usage.attempts;
      usage.costUsd =
        usage.costUsd === null || t.usage.costUsd === undefined ? null : usage.costUsd + t.usage.costUsd;
    };
    if (!cached) count(translation);

    for (;;) {
      let prepared: PreparedSql;
      let failure: string;
      try {
        prepared = this.prepare(translation.sql);
        const estimate = await this.estimate(prepared).catch((err: unknown) => {
          // The lake could not be read (a storage error, a corrupt footer): nothing a model could
          // repair in the SQL, and nothing that may run unpriced.
          throw new AskError(
            'estimate_failed',
            `the cost estimate failed, so the query did not run: ${(err as Error).message}`,
          );
        });
        const threshold = this.opts.confirmAboveUsd ?? 1;
        const needsConfirmation = estimate !== null && estimate.usd > threshold && !req.confirm;
        const base = {
          question: req.question,
          sessionId: session.id,
          translator: translator.name,
          sql: prepared.sql,
          explanation: translation.explanation,
          assumptions: translation.assumptions,
          limit: prepared.limit,
          timeBound: prepared.timeBound ?? null,
          estimate,
          needsConfirmation,
          repairs,
          llm: usage.attempts > 0 ? usage : null,
          fallback,
          cached,
        };
        const turn = {
          question: req.question,
          sql: prepared.sql,
          translator: translator.name,
          state: translation.state,
        };
        if (needsConfirmation || req.execute === false) {
          await this.sessions.save({ ...session, turns: [...session.turns, turn] });
          return { ...base, executed: false, columns: [], rows: [], rowCount: 0, truncated: false };
        }
        const result = await this.opts.query.query(prepared.sql, {
          maxRows: ASK_MAX_ROWS,
          timeoutMs: ASK_TIMEOUT_MS,
          scopes: prepared.scopes,
        });
        await this.sessions.save({ ...session, turns: [...session.turns, turn] });
        return {
          ...base,
          executed: true,
          columns: result.columns,
          rows: result.rows,
          rowCount: result.rows.length,
          truncated: result.truncated,
        };
      } catch (err) {
        if (err instanceof AskError) throw err;
        if ((err as Error).name === 'QueryTimeoutError')
          throw new AskError('timeout', (err as Error).message);
        const rejected = err instanceof SqlRejectedError;
        if (!rejected && err instanceof LlmError) throw new AskError('llm', err.message);
        failure = rejected
          ? `refused: ${(err as Error).message}`
          : `the query failed: ${(err as Error).message}`;
      }
      if (!translator.repair || repairs.length >= MAX_REPAIRS) {
        const code = failure.startsWith('refused') ? 'rejected' : 'query_failed';
        const tried = repairs.length ? ` (after ${repairs.length} repair rounds)` : '';
        throw new AskError(code, `${translator.name} SQL ${failure}${tried}`);
      }
      repairs.push({ sql: translation.sql, error: failure });
      translation = await translator.repair(input, translation, failure);
      count(translation);
    }
  }

  /** Bytes after partition pruning and column projection, priced as Athena would bill them. */
  private async estimate(p: PreparedSql): Promise<AskAnswer['estimate']> {
    const estimator = this.opts.estimator;
    if (!estimator) return null;
    let bytes = 0;
    let files = 0;
    for (const table of p.tables) {
      const e = await estimator.estimate({
        table,
        columns: p.names ? [...p.names] : undefined,
        from: p.range.from ?? new Date(0),
        to: p.range.to ?? this.opts.clock.now(),
      });
      bytes += e.bytes;
      files += e.files;
    }
    const basis = `Parquet column chunks of ${files} partition files${p.names ? ' for the columns read' : ' (all columns)'}; Athena at $5/TB, 10 MB minimum`;
    return { bytes, usd: athenaCostUsd(bytes), files, basis };
  }
}
