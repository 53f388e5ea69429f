import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  type ConverseCommandOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { costOf } from '../../core/llm/prices.js';
import { type LlmClient, LlmError, type LlmRequest, type LlmResponse } from '../../core/llm/types.js';

export interface BedrockOptions {
  /** A model or inference profile id, e.g. us.anthropic.claude-sonnet-4-20250514-v1:0. */
  model: string;
  region?: string;
  /** Per attempt. @default 60000 */
  timeoutMs?: number;
  /** Attempts in all; the SDK backs off on throttling and 5xx and honours Retry-After. @default 3 */
  maxAttempts?: number;
  /** Extra client configuration: a local endpoint and static credentials in tests. */
  client?: BedrockRuntimeClientConfig;
}

/**
 * Bedrock's Converse API: one request shape for every model on Bedrock. Structured output is a
 * tool whose inputSchema is the answer's schema, forced with toolChoice. Credentials come from the
 * Lambda role (or the usual AWS chain locally), never from Mantissa Log's own secrets.
 */
export class BedrockClient implements LlmClient {
  readonly provider = 'bedrock' as const;
  readonly model: string;
  private readonly client: BedrockRuntimeClient;

  constructor(private readonly opts: BedrockOptions) {
    this.model = opts.model;
    this.client = new BedrockRuntimeClient({
      ...(opts.region ? { region: opts.region } : {}),
      maxAttempts: opts.maxAttempts ?? 3,
      ...opts.client,
    });
  }

  async complete(req: LlmRequest): Promise<LlmResponse> {
    const messages: Message[] = req.messages.map((m) => ({ role: m.role, content: [{ text: m.content }] }));
    let reply: ConverseCommandOutput;
    try {
      reply = await this.client.send(
        new ConverseCommand({
          modelId: this.model,
          system: [{ text: req.system }],
          messages,
          inferenceConfig: { maxTokens: req.maxTokens ?? 2048, temperature: req.temperature ?? 0 },
          toolConfig: {
            tools: [
              {
                toolSpec: {
                  name: req.schema.name,
                  description: req.schema.description,
                  // The SDK's DocumentType is a JSON value; the schema is one.
                  inputSchema: { json: req.schema.jsonSchema as Record<string, never> },
                },
              },
            ],
            toolChoice: { tool: { name: req.schema.name } },
          },
        }),
        { abortSignal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000) },
      );
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
      throw new LlmError(`Bedrock ${e.name}: ${e.message}`, e.$metadata?.httpStatusCode);
    }
    const call = reply.output?.message?.content?.find((b) => b.toolUse?.name === req.schema.name)?.toolUse;
    if (!call) {
      throw new LlmError(`the model answered without calling ${req.schema.name} (stop: ${reply.stopReason})`);
    }
    const usage = {
      inputTokens: reply.usage?.inputTokens ?? 0,
      outputTokens: reply.usage?.outputTokens ?? 0,
    };
    return {
      output: call.input,
      usage,
      costUsd: costOf(this.model, usage),
      provider: this.provider,
      model: this.model,
      attempts: reply.$metadata.attempts ?? 1,
    };
  }
}
