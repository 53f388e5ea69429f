import type { LlmClient } from '../../core/llm/types.js';
import type { Secrets } from '../../core/ports/secrets.js';
import { AnthropicClient } from './anthropic.js';
import { BedrockClient } from './bedrock.js';
import { OpenAiClient } from './openai.js';

/**
 * Which provider answers questions, from the environment:
 *
 * | variable | meaning |
 * |---|---|
 * | MANTISSA_LLM_PROVIDER | bedrock, anthropic, openai, openai-compatible or azure-openai; unset: offline only |
 * | MANTISSA_LLM_MODEL | model id (Azure: the deployment name); a default per provider otherwise |
 * | MANTISSA_LLM_BASE_URL | endpoint for openai-compatible / azure-openai (and a proxy for the others) |
 * | MANTISSA_LLM_API_VERSION | Azure's api-version, @default 2024-10-21 |
 * | MANTISSA_LLM_JSON_MODE | json_schema (default) or json_object, for compatible servers |
 * | MANTISSA_LLM_TIMEOUT_MS / MANTISSA_LLM_MAX_ATTEMPTS | per attempt, @default 60000 / 3 |
 *
 * Keys are read from the Secrets port, never from this table: ANTHROPIC_API_KEY, OPENAI_API_KEY,
 * MANTISSA_LLM_API_KEY (compatible and Azure endpoints). Bedrock uses AWS credentials.
 */
export const DEFAULT_MODELS = {
  bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  anthropic: 'claude-sonnet-4-5',
  openai: 'gpt-4.1-mini',
} as const;

export class LlmConfigError extends Error {
  override readonly name = 'LlmConfigError';
}

type Env = Record<string, string | undefined>;

function positive(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new LlmConfigError(`${name} must be a positive integer`);
  return n;
}

async function key(secrets: Secrets, name: string, provider: string): Promise<string> {
  const value = await secrets.get(name);
  if (!value) throw new LlmConfigError(`MANTISSA_LLM_PROVIDER=${provider} needs the secret ${name}`);
  return value;
}

/** The configured client, or undefined when no provider is configured (questions go offline). */
export async function llmFromEnv(env: Env, secrets: Secrets): Promise<LlmClient | undefined> {
  const provider = env.MANTISSA_LLM_PROVIDER?.trim().toLowerCase();
  if (!provider || provider === 'none' || provider === 'offline') return undefined;
  const timeoutMs = positive(env, 'MANTISSA_LLM_TIMEOUT_MS');
  const maxAttempts = positive(env, 'MANTISSA_LLM_MAX_ATTEMPTS');
  const common = {
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(maxAttempts ? { maxAttempts } : {}),
  };
  const model = env.MANTISSA_LLM_MODEL?.trim();
  const baseUrl = env.MANTISSA_LLM_BASE_URL?.trim() || undefined;
  switch (provider) {
    case 'bedrock':
      return new BedrockClient({
        model: model || DEFAULT_MODELS.bedrock,
        ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
        ...(baseUrl ? { client: { endpoint: baseUrl } } : {}),
        ...common,
      });
    case 'anthropic':
      return new AnthropicClient({
        model: model || DEFAULT_MODELS.anthropic,
        apiKey: await key(secrets, 'ANTHROPIC_API_KEY', provider),
        ...(baseUrl ? { baseUrl } : {}),
        ...common,
      });
    case 'openai':
      return new OpenAiClient({
        provider: 'openai',
        model: model || DEFAULT_MODELS.openai,
        apiKey: await key(secrets, 'OPENAI_API_KEY', provider),
        ...(baseUrl ? { baseUrl } : {}),
        ...common,
      });
    case 'openai-compatible':
    case 'azure-openai': {
      if (!baseUrl) throw new LlmConfigError(`MANTISSA_LLM_PROVIDER=${provider} needs MANTISSA_LLM_BASE_URL`);
      if (!model) throw new LlmConfigError(`MANTISSA_LLM_PROVIDER=${provider} needs MANTISSA_LLM_MODEL`);
      const jsonMode = env.MANTISSA_LLM_JSON_MODE === 'json_object' ? 'json_object' : 'json_schema';
      // A local Ollama or vLLM needs no key; Azure always does.
      const apiKey =
        provider === 'azure-openai'
          ? await key(secrets, 'MANTISSA_LLM_API_KEY', provider)
          : await secrets.get('MANTISSA_LLM_API_KEY');
      return new OpenAiClient({
        provider: 'openai-compatible',
        model,
        baseUrl,
        jsonMode,
        ...(apiKey ? { apiKey } : {}),
        ...(provider === 'azure-openai'
          ? { azureApiVersion: env.MANTISSA_LLM_API_VERSION || '2024-10-21' }
          : {}),
        ...common,
      });
    }
    default:
      throw new LlmConfigError(
        `MANTISSA_LLM_PROVIDER=${provider} is not one of bedrock, anthropic, openai, openai-compatible, azure-openai`,
      );
  }
}
