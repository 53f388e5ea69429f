import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createH2cServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicClient } from '../../lambdas/adapters/llm/anthropic.js';
import { BedrockClient } from '../../lambdas/adapters/llm/bedrock.js';
import { llmFromEnv } from '../../lambdas/adapters/llm/config.js';
import { retryAfterMs } from '../../lambdas/adapters/llm/http.js';
import { OpenAiClient } from '../../lambdas/adapters/llm/openai.js';
import { LocalSecrets } from '../../lambdas/adapters/local/secrets.js';
import { costOf, priceOf } from '../../lambdas/core/llm/prices.js';
import { SQL_ANSWER_SCHEMA } from '../../lambdas/core/llm/prompt.js';
import type { LlmRequest } from '../../lambdas/core/llm/types.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

type Reply = (seen: Seen, res: ServerResponse) => void;

let server: Server | Http2Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/** A local HTTP peer that records each request and answers with the next scripted reply. */
async function peer(replies: Reply[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(raw || '{}'),
      };
      seen.push(s);
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)] as Reply;
      reply(s, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/**
 * Bedrock's runtime client speaks HTTP/2 (its handler is NodeHttp2Handler), so its peer is an h2c
 * server: the SDK is used unchanged, signing and all, pointed at this endpoint.
 */
async function h2Peer(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const h2 = createH2cServer();
  h2.on('stream', (stream, head) => {
    let raw = '';
    stream.on('data', (c) => {
      raw += c;
    });
    stream.on('end', () => {
      seen.push({
        method: String(head[':method']),
        url: String(head[':path']),
        headers: head,
        body: JSON.parse(raw || '{}'),
      });
      stream.respond({ ':status': status, 'content-type': 'application/json', ...headers });
      stream.end(JSON.stringify(body));
    });
  });
  server = h2;
  h2.listen(0, '127.0.0.1');
  await once(h2, 'listening');
  return { url: `http://127.0.0.1:${(h2.address() as AddressInfo).port}`, seen };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_s, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

const ANSWER = { sql: 'SELECT count(*) FROM cloudtrail', explanation: 'Counts events.', assumptions: [] };
const REQUEST: LlmRequest = {
  system: 'You translate questions.',
  messages: [{ role: 'user', content: 'Question: how many events?' }],
  schema: SQL_ANSWER_SCHEMA,
};
/** Secrets from the given variables only: the file does not exist. */
const secrets = (env: Record<string, string>) => new LocalSecrets('/nonexistent/mantissa/secrets.json', env);
const noSleep = { sleep: async () => {}, baseDelayMs: 1 };

describe('Anthropic Messages API', () => {
  const ok = json(200, {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'sql_answer', input: ANSWER }],
    stop_reason: 'tool_use',
    usage: { input_tokens: 1200, output_tokens: 80 },
  });

  it('posts /v1/messages with its headers and a forced tool, and reads tool_use input, usage and cost', async () => {
    const { url, seen } = await peer([ok]);
    const client = new AnthropicClient({ model: 'claude-sonnet-4-5', apiKey: 'sk-ant-test', baseUrl: url });
    const res = await client.complete(REQUEST);
    expect(seen[0]?.url).toBe('/v1/messages');
    expect(seen[0]?.headers['x-api-key']).toBe('sk-ant-test');
    expect(seen[0]?.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen[0]?.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      system: 'You translate questions.',
      messages: [{ role: 'user', content: 'Question: how many events?' }],
      tools: [{ name: 'sql_answer', input_schema: SQL_ANSWER_SCHEMA.jsonSchema }],
      tool_choice: { type: 'tool', name: 'sql_answer' },
    });
    expect(res).toEqual({
      output: ANSWER,
      usage: { inputTokens: 1200, outputTokens: 80 },
      costUsd: (1200 * 3 + 80 * 15) / 1e6,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      attempts: 1,
    });
  });

  it('retries 429 after the Retry-After it names, and 529 overloaded, then succeeds', async () => {
    const waits: number[] = [];
    const { url, seen } = await peer([
      json(
        429,
        { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
        { 'retry-after': '2' },
      ),
      json(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      ok,
    ]);
    const client = new AnthropicClient({
      model: 'claude-sonnet-4-5',
      apiKey: 'k',
      baseUrl: url,
      baseDelayMs: 100,
      maxAttempts: 3,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const res = await client.complete(REQUEST);
    expect(seen).toHaveLength(3);
    expect(res.attempts).toBe(3);
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeGreaterThanOrEqual(200);
    expect(waits[1]).toBeLessThanOrEqual(250);
  });

  it('fails at once on 401 with the provider message and never echoes the key', async () => {
    const { url, seen } = await peer([
      json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
    ]);
    const client = new AnthropicClient({ model: 'm', apiKey: 'sk-secret-value', baseUrl: url, ...noSleep });
    const err = await client.complete(REQUEST).catch((e: Error) => e);
    expect(seen).toHaveLength(1);
    expect((err as Error).message).toBe('HTTP 401: invalid x-api-key');
    expect((err as Error).message).not.toContain('sk-secret-value');
  });

  it('gives up after the last attempt on persistent 500s, saying how many', async () => {
    const { url, seen } = await peer([
      json(500, { type: 'error', error: { type: 'api_error', message: 'boom' } }),
    ]);
    const client = new AnthropicClient({ model: 'm', apiKey: 'k', baseUrl: url, maxAttempts: 2, ...noSleep });
    await expect(client.complete(REQUEST)).rejects.toThrow('HTTP 500: boom (after 2 attempts)');
    expect(seen).toHaveLength(2);
  });

  it('times out a request that gets no reply', async () => {
    const { url } = await peer([() => {}]);
    const client = new AnthropicClient({
      model: 'm',
      apiKey: 'k',
      baseUrl: url,
      timeoutMs: 100,
      maxAttempts: 1,
    });
    await expect(client.complete(REQUEST)).rejects.toThrow('no reply within 100 ms (after 1 attempts)');
  });
});

describe('OpenAI Chat Completions and compatible endpoints', () => {
  const chat = (content: string) =>
    json(200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4.1-mini-2025-04-14',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 },
    });

  it('posts /chat/completions with a bearer key and a strict json_schema response_format', async () => {
    const { url, seen } = await peer([chat(JSON.stringify(ANSWER))]);
    const client = new OpenAiClient({
      provider: 'openai',
      model: 'gpt-4.1-mini',
      apiKey: 'sk-test',
      baseUrl: `${url}/v1`,
    });
    const res = await client.complete(REQUEST);
    expect(seen[0]?.url).toBe('/v1/chat/completions');
    expect(seen[0]?.headers.authorization).toBe('Bearer sk-test');
    expect(seen[0]?.body).toMatchObject({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'You translate questions.' },
        { role: 'user', content: 'Question: how many events?' },
      ],
      max_completion_tokens: 2048,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'sql_answer', strict: true, schema: SQL_ANSWER_SCHEMA.jsonSchema },
      },
    });
    expect(res.output).toEqual(ANSWER);
    expect(res.usage).toEqual({ inputTokens: 1000, outputTokens: 50 });
    expect(res.costUsd).toBeCloseTo((1000 * 0.4 + 50 * 1.6) / 1e6, 12);
  });

  it('speaks Azure OpenAI: deployments path, api-version query, api-key header', async () => {
    const { url, seen } = await peer([chat(JSON.stringify(ANSWER))]);
    const client = new OpenAiClient({
      provider: 'openai-compatible',
      model: 'my-gpt4o',
      apiKey: 'azure-key',
      baseUrl: url,
      azureApiVersion: '2024-10-21',
    });
    await client.complete(REQUEST);
    expect(seen[0]?.url).toBe('/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21');
    expect(seen[0]?.headers['api-key']).toBe('azure-key');
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(seen[0]?.body.max_tokens).toBe(2048);
  });

  it('works keyless (Ollama, vLLM) in json_object mode and reads JSON wrapped in a fence', async () => {
    const { url, seen } = await peer([chat(`Here it is:\n\`\`\`json\n${JSON.stringify(ANSWER)}\n\`\`\``)]);
    const client = new OpenAiClient({ model: 'llama3.1', baseUrl: `${url}/v1`, jsonMode: 'json_object' });
    const res = await client.complete(REQUEST);
    expect(client.provider).toBe('openai-compatible');
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(seen[0]?.body.response_format).toEqual({ type: 'json_object' });
    expect(String(((seen[0] as Seen).body.messages as { content: string }[])[0]?.content)).toContain(
      '"required":["sql","explanation","assumptions"]',
    );
    expect(res.output).toEqual(ANSWER);
    expect(res.costUsd).toBeUndefined();
  });

  it('reports a refusal as an error, with the model’s words', async () => {
    const { url } = await peer([
      json(200, {
        choices: [{ message: { content: null, refusal: 'I cannot help with that.' } }],
        usage: {},
      }),
    ]);
    const client = new OpenAiClient({ model: 'gpt-4o', apiKey: 'k', baseUrl: url });
    await expect(client.complete(REQUEST)).rejects.toThrow('the model refused: I cannot help with that.');
  });

  it('retries 503 with backoff then succeeds', async () => {
    const { url, seen } = await peer([
      json(503, { error: { message: 'unavailable' } }),
      chat(JSON.stringify(ANSWER)),
    ]);
    const client = new OpenAiClient({ model: 'gpt-4o', apiKey: 'k', baseUrl: url, ...noSleep });
    expect((await client.complete(REQUEST)).attempts).toBe(2);
    expect(seen).toHaveLength(2);
  });
});

describe('Bedrock Converse', () => {
  it('signs a Converse request to the model path with a forced tool, and reads toolUse and usage', async () => {
    const { url, seen } = await h2Peer(200, {
      output: {
        message: {
          role: 'assistant',
          content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'sql_answer', input: ANSWER } }],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 900, outputTokens: 40, totalTokens: 940 },
      metrics: { latencyMs: 12 },
    });
    const model = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const client = new BedrockClient({
      model,
      region: 'us-east-1',
      maxAttempts: 1,
      client: { endpoint: url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
    });
    const res = await client.complete(REQUEST);
    expect(seen[0]?.method).toBe('POST');
    expect(decodeURIComponent(seen[0]?.url ?? '')).toBe(`/model/${model}/converse`);
    expect(String(seen[0]?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect(seen[0]?.body).toEqual({
      system: [{ text: 'You translate questions.' }],
      messages: [{ role: 'user', content: [{ text: 'Question: how many events?' }] }],
      inferenceConfig: { maxTokens: 2048, temperature: 0 },
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'sql_answer',
              description: SQL_ANSWER_SCHEMA.description,
              inputSchema: { json: SQL_ANSWER_SCHEMA.jsonSchema },
            },
          },
        ],
        toolChoice: { tool: { name: 'sql_answer' } },
      },
    });
    expect(res).toMatchObject({
      output: ANSWER,
      usage: { inputTokens: 900, outputTokens: 40 },
      provider: 'bedrock',
    });
    expect(res.costUsd).toBeCloseTo((900 * 3 + 40 * 15) / 1e6, 12);
  });

  it('maps a throttling error to LlmError with its status', async () => {
    const { url } = await h2Peer(
      429,
      { message: 'Too many requests' },
      { 'x-amzn-errortype': 'ThrottlingException' },
    );
    const client = new BedrockClient({
      model: 'amazon.nova-pro-v1:0',
      region: 'us-east-1',
      maxAttempts: 1,
      client: { endpoint: url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
    });
    await expect(client.complete(REQUEST)).rejects.toMatchObject({
      name: 'LlmError',
      status: 429,
      message: 'Bedrock ThrottlingException: Too many requests',
    });
  });
});

describe('configuration, prices and Retry-After', () => {
  it('chooses the provider from the environment and reads keys only from secrets', async () => {
    expect(await llmFromEnv({}, secrets({}))).toBeUndefined();
    const a = await llmFromEnv({ MANTISSA_LLM_PROVIDER: 'anthropic' }, secrets({ ANTHROPIC_API_KEY: 'k' }));
    expect([a?.provider, a?.model]).toEqual(['anthropic', 'claude-sonnet-4-5']);
    const z = await llmFromEnv(
      {
        MANTISSA_LLM_PROVIDER: 'azure-openai',
        MANTISSA_LLM_BASE_URL: 'https://x.openai.azure.com',
        MANTISSA_LLM_MODEL: 'dep',
      },
      secrets({ MANTISSA_LLM_API_KEY: 'k' }),
    );
    expect([z?.provider, z?.model]).toEqual(['openai-compatible', 'dep']);
    await expect(llmFromEnv({ MANTISSA_LLM_PROVIDER: 'openai' }, secrets({}))).rejects.toThrow(
      'MANTISSA_LLM_PROVIDER=openai needs the secret OPENAI_API_KEY',
    );
    await expect(llmFromEnv({ MANTISSA_LLM_PROVIDER: 'cohere' }, secrets({}))).rejects.toThrow(
      'MANTISSA_LLM_PROVIDER=cohere is not one of bedrock, anthropic, openai, openai-compatible, azure-openai',
    );
  });

  it('prices ids as each provider spells them, longest name first, and leaves unknown models unpriced', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('us.anthropic.claude-haiku-4-5-20251001-v1:0')).toEqual({ input: 1, output: 5 });
    expect(costOf('llama3.1', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Sat, 21 Nov 2026 12:00:10 GMT', Date.parse('2026-11-21T12:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
