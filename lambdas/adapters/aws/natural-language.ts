import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import type { LlmClient } from '../../core/llm/types.js';
import type { Clock } from '../../core/ports/clock.js';
import type { QueryEngine } from '../../core/ports/query-engine.js';
import type { StateStore } from '../../core/ports/state-store.js';
import { ASK_MAX_ROWS, AskService } from '../../core/query/ask.js';
import { CatalogSource } from '../../core/query/catalog.js';
import { LlmTranslator } from '../../core/query/llm-translator.js';
import type { NaturalLanguage } from '../../core/query/natural-language.js';
import { draftRuleOffline, draftRuleWithLlm } from '../../core/query/nl-rule.js';
import { OfflineTranslator } from '../../core/query/offline/index.js';
import type { Translator } from '../../core/query/translator.js';
import { BedrockClient } from '../llm/bedrock.js';
import { LlmConfigError } from '../llm/config.js';
import { lakeTables } from './deployed-sources.js';
import { type AwsEnvironment, requireEnv } from './environment.js';
import { S3ScanEstimator } from './s3-scan-estimator.js';

type Env = Record<string, string | undefined>;

/** How a deployment gets a model, told with every question the offline translator refuses. */
export const BEDROCK_HINT =
  'Deploy with -c bedrockModelArn=<Bedrock model or inference profile ARN> for other questions.';

/**
 * The model's share of API Gateway's 29 s: the catalog (cached), the estimate and the Athena
 * query need the rest. A model that takes longer hands the question to the offline translator.
 */
export const BEDROCK_TIMEOUT_MS = 15_000;

/** Frequent values come from the last day only: Athena bills every byte of the whole history. */
export const CATALOG_VALUES_WINDOW_MS = 24 * 3600_000;

const BEDROCK_ARN =
  /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):\d*:(foundation-model|inference-profile|application-inference-profile|provisioned-model|custom-model-deployment)\/\S+$/;

/**
 * The model the stack was deployed with (`-c bedrockModelArn`, set as BEDROCK_MODEL_ARN), or
 * undefined without one. The ARN is the model id Converse is called with, in the ARN's region:
 * exactly the resource the function's role may invoke (lib/api.ts).
 */
export function bedrockFromEnv(env: Env, client?: BedrockRuntimeClientConfig): LlmClient | undefined {
  const arn = env.BEDROCK_MODEL_ARN?.trim();
  if (!arn) return undefined;
  const region = BEDROCK_ARN.exec(arn)?.[1];
  if (!region)
    throw new LlmConfigError(
      `BEDROCK_MODEL_ARN ${JSON.stringify(arn)} is not a Bedrock model or inference profile ARN`,
    );
  return new BedrockClient({
    model: arn,
    region,
    timeoutMs: BEDROCK_TIMEOUT_MS,
    maxAttempts: 2,
    ...(client ? { client } : {}),
  });
}

export interface AwsNaturalLanguageDeps {
  env: Env;
  query: QueryEngine;
  state: StateStore;
  s3: S3Client;
  clock: Clock;
  tables: readonly string[];
  /** Overrides BEDROCK_MODEL_ARN (tests); null: no model. */
  llm?: LlmClient | null;
}

/**
 * Questions on AWS, as the local runtime answers them (lambdas/adapters/llm/local.ts): the model
 * first when there is one, the offline translator after it (and alone without one); sessions and
 * the translation cache in the state table; estimates from the Parquet footers in the lake bucket.
 * The offline translator has no geo database here (the function does not carry it), so questions
 * about countries need the model.
 */
export function awsNaturalLanguage(deps: AwsNaturalLanguageDeps): NaturalLanguage {
  const llm = deps.llm === undefined ? bedrockFromEnv(deps.env) : (deps.llm ?? undefined);
  const estimator = new S3ScanEstimator({ client: deps.s3, bucket: requireEnv('LAKE_BUCKET', deps.env) });
  const translators: Translator[] = [];
  if (llm) translators.push(new LlmTranslator(llm, ASK_MAX_ROWS));
  translators.push(new OfflineTranslator(undefined, BEDROCK_HINT));
  const catalog = new CatalogSource({
    tables: lakeTables(deps.env),
    query: deps.query,
    clock: deps.clock,
    valuesWindowMs: CATALOG_VALUES_WINDOW_MS,
    // Twelve small Athena queries one after another would take most of the 29 s.
    concurrency: 12,
  });
  const ask = new AskService({
    query: deps.query,
    state: deps.state,
    clock: deps.clock,
    catalog,
    tables: deps.tables,
    translators,
    estimator,
  });
  return {
    ask,
    translator: translators[0]?.name ?? 'offline',
    draftRule: async (description) =>
      llm ? draftRuleWithLlm(description, llm) : draftRuleOffline(description, await catalog.get()),
  };
}

/** The API function's `nl` dependency: built on the first question, then kept for the container. */
export function naturalLanguageOnAws(
  aws: AwsEnvironment,
  clock: Clock,
  tables: readonly string[],
): () => Promise<NaturalLanguage> {
  let nl: Promise<NaturalLanguage> | undefined;
  return () => {
    nl ??= (async () =>
      awsNaturalLanguage({
        env: aws.env,
        query: aws.query(),
        state: aws.state(),
        s3: aws.s3(),
        clock,
        tables,
      }))();
    return nl;
  };
}
