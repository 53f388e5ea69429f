import { costOf } from '../../core/llm/prices.js';
import { jsonFromText } from '../../core/llm/prompt.js';
import {
  type LlmClient,
  LlmError,
  type LlmProviderName,
  type LlmRequest,
  type LlmResponse,
} from '../../core/llm/types.js';
import { type HttpOptions, postJson } from './http.js';

export interface OpenAiOptions extends HttpOptions {
  model: string;
  /** Absent for endpoints without auth (a local Ollama or vLLM). */
  apiKey?: string;
  /**
   * Up to and including the version segment: https://api.openai.com/v1 (the default),
   * http://localhost:11434/v1 (Ollama), http://host:8000/v1 (vLLM),
   * https://generativelanguage.googleapis.com/v1beta/openai (Gemini), or for Azure
   * https://NAME.openai.azure.com (with `azureApiVersion`).
   */
  baseUrl?: string;
  /** Set for Azure OpenAI: the `api-version` query value; `model` is then the deployment name. */
  azureApiVersion?: string;
  /**
   * json_schema (strict structured output) where the endpoint supports it; json_object for
   * endpoints that only promise valid JSON. @default 'json_schema'
   */
  jsonMode?: 'json_schema' | 'json_object';
  provider?: Extract<LlmProviderName, 'openai' | 'openai-compatible'>;
}

const REASONING = /^(o\d|gpt-5)/;

interface ChatReply {
  model?: string;
  choices?: { message?: { content?: string | null; refusal?: string | null }; finish_reason?: string }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/**
 * Chat Completions (POST …/chat/completions), as OpenAI serves it and as compatible servers copy
 * it. Structured output is `response_format: {type: 'json_schema', json_schema: {strict: true}}`;
 * Azure differs only in the URL (deployments path, api-version query) and the `api-key` header.
 */
export class OpenAiClient implements LlmClient {
  readonly provider: Extract<LlmProviderName, 'openai' | 'openai-compatible'>;
  readonly model: string;

  constructor(private readonly opts: OpenAiOptions) {
    this.model = opts.model;
    this.provider = opts.provider ?? (opts.baseUrl ? 'openai-compatible' : 'openai');
  }

  private endpoint(): { url: string; headers: Record<string, string> } {
    const base = (this.opts.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    const key = this.opts.apiKey;
    if (this.opts.azureApiVersion) {
      const query = `api-version=${encodeURIComponent(this.opts.azureApiVersion)}`;
      return {
        url: `${base}/openai/deployments/${encodeURIComponent(this.model)}/chat/completions?${query}`,
        headers: key ? { 'api-key': key } : {},
      };
    }
    return { url: `${base}/chat/completions`, headers: key ? { authorization: `Bearer ${key}` } : {} };
  }

  async complete(req: LlmRequest): Promise<LlmResponse> {
    const { url, headers } = this.endpoint();
    const mode = this.opts.jsonMode ?? 'json_schema';
    const responseFormat =
      mode === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: { name: req.schema.name, strict: true, schema: req.schema.jsonSchema },
          }
        : { type: 'json_object' };
    // json_object mode has no schema slot, so the schema goes into the instructions instead.
    const system =
      mode === 'json_object'
        ? `${req.system}\n\nAnswer with one JSON object matching this JSON Schema:\n${JSON.stringify(req.schema.jsonSchema)}`
        : req.system;
    const { body, attempts } = await postJson(
      url,
      headers,
      {
        model: this.model,
        messages: [{ role: 'system', content: system }, ...req.messages],
        // OpenAI's reasoning models take only the default temperature and max_completion_tokens;
        // compatible servers still know max_tokens only.
        ...(REASONING.test(this.model) ? {} : { temperature: req.temperature ?? 0 }),
        [this.provider === 'openai' ? 'max_completion_tokens' : 'max_tokens']: req.maxTokens ?? 2048,
        response_format: responseFormat,
      },
      this.opts,
    );
    const reply = body as ChatReply;
    const message = reply.choices?.[0]?.message;
    if (message?.refusal) throw new LlmError(`the model refused: ${message.refusal}`);
    if (typeof message?.content !== 'string') throw new LlmError('the reply has no message content');
    let output: unknown;
    try {
      output = jsonFromText(message.content);
    } catch (err) {
      throw new LlmError(`the reply is not the JSON asked for: ${(err as Error).message}`);
    }
    const usage = {
      inputTokens: reply.usage?.prompt_tokens ?? 0,
      outputTokens: reply.usage?.completion_tokens ?? 0,
    };
    return {
      output,
      usage,
      costUsd: costOf(this.model, usage),
      provider: this.provider,
      model: reply.model ?? this.model,
      attempts,
    };
  }
}
