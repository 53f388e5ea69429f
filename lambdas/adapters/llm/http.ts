import { LlmError } from '../../core/llm/types.js';

export interface HttpOptions {
  /** Per attempt. @default 60000 */
  timeoutMs?: number;
  /** Attempts in all, the first included. @default 3 */
  maxAttempts?: number;
  /** First backoff; doubles per retry, with up to 25% jitter. @default 500 */
  baseDelayMs?: number;
  /** No single wait is longer, even when Retry-After asks for more. @default 20000 */
  maxDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface JsonReply {
  body: unknown;
  attempts: number;
}

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The provider's own error text, without echoing request content or headers (keys never appear). */
function errorText(body: unknown, raw: string): string {
  if (typeof body === 'object' && body !== null) {
    const error = (body as { error?: unknown }).error;
    if (typeof error === 'object' && error !== null && 'message' in error) {
      return String((error as { message: unknown }).message);
    }
    if (typeof error === 'string') return error;
    if ('message' in body) return String((body as { message: unknown }).message);
  }
  return raw.slice(0, 300);
}

/**
 * POSTs JSON and reads JSON, with a timeout per attempt and retries on 408/409/429/5xx (and
 * Anthropic's 529) and on network errors, honouring Retry-After. Other 4xx fail at once: a bad
 * key or request does not improve by asking again.
 */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  payload: unknown,
  opts: HttpOptions = {},
): Promise<JsonReply> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const maxAttempts = opts.maxAttempts ?? 3;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let lastError: LlmError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let wait: number | undefined;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const raw = await res.text();
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      if (res.ok) {
        if (body === undefined) throw new LlmError(`${url}: the reply is not JSON`, res.status);
        return { body, attempts: attempt };
      }
      const retryable = RETRYABLE.has(res.status);
      lastError = new LlmError(`HTTP ${res.status}: ${errorText(body, raw)}`, res.status, retryable);
      if (!retryable) throw lastError;
      wait = retryAfterMs(res.headers.get('retry-after'));
    } catch (err) {
      if (err instanceof LlmError && !err.retryable) throw err;
      if (!(err instanceof LlmError)) {
        const e = err as Error;
        const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
        lastError = new LlmError(
          timedOut ? `no reply within ${timeoutMs} ms` : `request failed: ${e.message}`,
          undefined,
          true,
        );
      }
    }
    if (attempt < maxAttempts) {
      const backoff = (opts.baseDelayMs ?? 500) * 2 ** (attempt - 1) * (1 + Math.random() * 0.25);
      await sleep(Math.min(wait ?? backoff, opts.maxDelayMs ?? 20_000));
    }
  }
  throw new LlmError(
    `${lastError?.message ?? 'request failed'} (after ${maxAttempts} attempts)`,
    lastError?.status,
    false,
  );
}
