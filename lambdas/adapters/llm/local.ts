import { join } from 'node:path';
import type { LlmClient } from '../../core/llm/types.js';
import { ASK_MAX_ROWS, AskService } from '../../core/query/ask.js';
import { CatalogSource } from '../../core/query/catalog.js';
import { LlmTranslator } from '../../core/query/llm-translator.js';
import type { NaturalLanguage } from '../../core/query/natural-language.js';
import { draftRuleOffline, draftRuleWithLlm } from '../../core/query/nl-rule.js';
import { OfflineTranslator } from '../../core/query/offline/index.js';
import type { Translator } from '../../core/query/translator.js';
import { TABLES } from '../../core/schema/registry.js';
import { DuckDbScanEstimator } from '../duckdb/scan-estimator.js';
import { offlineGeoIp } from '../local/geo.js';
import type { LocalRuntime } from '../local/runtime.js';
import { LocalSecrets } from '../local/secrets.js';
import { llmFromEnv } from './config.js';

type Env = Record<string, string | undefined>;

/** The confirmation threshold in dollars, from MANTISSA_QUERY_CONFIRM_USD. @default 1 */
export function confirmThreshold(env: Env): number {
  const raw = env.MANTISSA_QUERY_CONFIRM_USD;
  const n = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error('MANTISSA_QUERY_CONFIRM_USD must be a non-negative number');
  return n;
}

export const OFFLINE_GEO = {
  db: offlineGeoIp,
  source: 'the offline GeoLite2 country database (geoip-country)',
};

/**
 * Natural-language questions on the local runtime: the configured model (if any) first, the
 * offline translator after it, DuckDB's Parquet footers for estimates. `llm` overrides the
 * environment (tests and the evaluation pass a client of their own).
 */
export async function localNaturalLanguage(
  runtime: LocalRuntime,
  opts: { env?: Env; llm?: LlmClient | null; estimate?: boolean } = {},
): Promise<NaturalLanguage & { close(): Promise<void> }> {
  const env = opts.env ?? process.env;
  const llm =
    opts.llm === undefined
      ? await llmFromEnv(env, new LocalSecrets(join(runtime.home, 'secrets.json'), env))
      : (opts.llm ?? undefined);
  const query = await runtime.query();
  const estimator = opts.estimate === false ? undefined : await DuckDbScanEstimator.open(runtime.store.root);
  const translators: Translator[] = [];
  if (llm) translators.push(new LlmTranslator(llm, ASK_MAX_ROWS));
  translators.push(new OfflineTranslator(OFFLINE_GEO));
  // The user's custom tables too: a question may be about their application log.
  const catalog = new CatalogSource({
    tables: [...TABLES, ...runtime.custom.tables],
    query,
    clock: runtime.clock,
  });
  const ask = new AskService({
    query,
    state: runtime.state,
    clock: runtime.clock,
    catalog,
    tables: runtime.tables,
    translators,
    ...(estimator ? { estimator } : {}),
    confirmAboveUsd: confirmThreshold(env),
  });
  return {
    ask,
    translator: translators[0]?.name ?? 'offline',
    draftRule: async (description) =>
      llm ? draftRuleWithLlm(description, llm) : draftRuleOffline(description, await catalog.get()),
    close: async () => estimator?.close(),
  };
}
