/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the wait before attempt n+1 is uniform in [0, min(cap, base * 2^(n-1))]. Full jitter spreads
 * retries of many alerts that failed together, so they do not hit a recovering service at once.
 * `random` is injected so tests are exact.
 */
export function backoffMs(
  attempt: number,
  opts: { baseMs: number; capMs: number; random: () => number },
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(opts.random() * ceiling);
}

/**
 * Milliseconds to wait as an HTTP `Retry-After` value says (RFC 9110 10.2.3): delay-seconds or an
 * HTTP-date. Undefined when absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
