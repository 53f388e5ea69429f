import { type HttpResponse, HttpTimeoutError } from '../../ports/http.js';
import { parseRetryAfter } from '../outbox/backoff.js';
import { DeliveryError } from './errors.js';
import type { DeliveryContext } from './types.js';

const SNIPPET = 300;

/**
 * POSTs JSON and classifies the answer: 2xx returns; 408, 425, 429 and 5xx are retryable (with
 * Retry-After honoured); any other status is permanent, since the service will refuse the same
 * request again. Timeouts are retryable and ambiguous.
 */
export async function postJson(
  ctx: DeliveryContext,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  return sendRaw(ctx, url, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

export async function sendRaw(
  ctx: DeliveryContext,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await ctx.http.send({
      method: 'POST',
      url,
      headers: { 'user-agent': 'mantissa-log', ...headers },
      body,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (err) {
    const timedOut = err instanceof HttpTimeoutError;
    throw new DeliveryError((err as Error).message, true, { ambiguous: timedOut });
  }
  return checkStatus(ctx, res);
}

export function checkStatus(ctx: DeliveryContext, res: HttpResponse): HttpResponse {
  if (res.status >= 200 && res.status < 300) return res;
  const detail = `HTTP ${res.status}: ${res.body.slice(0, SNIPPET)}`.trim();
  const retryable = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], ctx.now);
  throw new DeliveryError(detail, retryable, retryAfterMs === undefined ? {} : { retryAfterMs });
}

/** `Basic` credentials as RFC 7617 writes them. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * The JSON of a successful answer, or {} when it is not JSON. Once a service has said 2xx the
 * delivery happened; failing now would retry it and, where there is no dedup key, duplicate it.
 */
export function jsonOf(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
