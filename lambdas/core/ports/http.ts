/**
 * Outbound HTTP for destinations and threat intelligence. A port so tests and runtimes can pin
 * timeouts and so the core never reaches for a socket itself. Responses of every status resolve;
 * only a timeout or a network failure rejects, and the two are told apart because a timeout is
 * ambiguous (the peer may have acted on the request) while a refused connection is not.
 */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Abort after this long; the request then rejects with HttpTimeoutError. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
}

export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

export class HttpNetworkError extends Error {
  override readonly name = 'HttpNetworkError';
}

/** Cap on how much of a response body is read: destinations answer with small JSON documents. */
const MAX_BODY = 1_000_000;

/** The platform's fetch (Node 20 and Lambda). Redirects are not followed: a destination that moved is an error to fix. */
export const fetchHttpClient: HttpClient = {
  async send(req) {
    let res: Response;
    try {
      res = await fetch(req.url, {
        method: req.method,
        headers: req.headers ?? {},
        body: req.body ?? null,
        redirect: 'manual',
        signal: AbortSignal.timeout(req.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new HttpTimeoutError(`no response within ${req.timeoutMs} ms`);
      }
      // The cause carries the reason (ECONNREFUSED, ENOTFOUND) but never the URL's path or query.
      throw new HttpNetworkError(`request failed: ${e.cause?.code ?? e.message}`);
    }
    let body: string;
    try {
      body = (await res.text()).slice(0, MAX_BODY);
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new HttpTimeoutError(`response body not complete within ${req.timeoutMs} ms`);
      }
      throw new HttpNetworkError(`response failed: ${e.message}`);
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: res.status, headers, body };
  },
};
