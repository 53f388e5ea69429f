/**
 * The one interface every language-model provider sits behind (Bedrock, Anthropic, OpenAI and
 * OpenAI-compatible endpoints). Requests ask for one JSON object that follows a JSON Schema; each
 * provider uses its own native way to get it (tool use, response_format, toolConfig).
 */
export type LlmProviderName = 'bedrock' | 'anthropic' | 'openai' | 'openai-compatible' | 'recorded';

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  system: string;
  messages: LlmMessage[];
  /** The object the answer must be: a JSON Schema with `type: 'object'`. */
  schema: { name: string; description: string; jsonSchema: Record<string, unknown> };
  maxTokens?: number;
  temperature?: number;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmResponse {
  /** The structured answer, parsed from the provider's tool call or JSON output. */
  output: unknown;
  usage: LlmUsage;
  /** Cost of this request in US dollars from the price table; undefined for unpriced models. */
  costUsd: number | undefined;
  provider: LlmProviderName;
  model: string;
  /** Attempts made (1 when the first succeeded). */
  attempts: number;
}

export interface LlmClient {
  readonly provider: LlmProviderName;
  readonly model: string;
  complete(req: LlmRequest): Promise<LlmResponse>;
}

/** A provider failed in a way retries could not fix; `status` is the HTTP status where there was one. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryable = false,
  ) {
    super(message);
  }
}
