import { costOf } from '../../core/llm/prices.js';
import { type LlmClient, LlmError, type LlmRequest, type LlmResponse } from '../../core/llm/types.js';
import { type HttpOptions, postJson } from './http.js';

export interface AnthropicOptions extends HttpOptions {
  model: string;
  apiKey: string;
  /** @default https://api.anthropic.com */
  baseUrl?: string;
}

interface MessagesReply {
  model?: string;
  stop_reason?: string;
  content?: { type: string; name?: string; input?: unknown; text?: string }[];
  usage?: { input_tokens?: number; output_tokens?: number };
}

/** The version of the Messages API this adapter is written against. */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * Anthropic's Messages API (POST /v1/messages). Structured output is a forced tool call: one tool
 * whose input_schema is the answer's schema, and tool_choice naming it, so the answer arrives as a
 * parsed `tool_use.input` object rather than text.
 */
export class AnthropicClient implements LlmClient {
  readonly provider = 'anthropic' as const;
  readonly model: string;

  constructor(private readonly opts: AnthropicOptions) {
    this.model = opts.model;
  }

  async complete(req: LlmRequest): Promise<LlmResponse> {
    const url = `${(this.opts.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '')}/v1/messages`;
    const { body, attempts } = await postJson(
      url,
      { 'x-api-key': this.opts.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
      {
        model: this.model,
        max_tokens: req.maxTokens ?? 2048,
        temperature: req.temperature ?? 0,
        system: req.system,
        messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
        tools: [
          { name: req.schema.name, description: req.schema.description, input_schema: req.schema.jsonSchema },
        ],
        tool_choice: { type: 'tool', name: req.schema.name },
      },
      this.opts,
    );
    const reply = body as MessagesReply;
    const call = reply.content?.find((b) => b.type === 'tool_use' && b.name === req.schema.name);
    if (!call) {
      throw new LlmError(
        `the model answered without calling ${req.schema.name} (stop: ${reply.stop_reason})`,
      );
    }
    const usage = {
      inputTokens: reply.usage?.input_tokens ?? 0,
      outputTokens: reply.usage?.output_tokens ?? 0,
    };
    return {
      output: call.input,
      usage,
      costUsd: costOf(this.model, usage),
      provider: this.provider,
      model: reply.model ?? this.model,
      attempts,
    };
  }
}
