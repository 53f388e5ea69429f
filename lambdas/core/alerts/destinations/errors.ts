/**
 * Why a delivery failed, and what to do about it: retry (a 5xx, a 429, a timeout, a refused
 * connection) or not (a 4xx the service will answer the same way next time, a missing secret).
 * `ambiguous` marks failures after which the service may have acted (a timeout), which is why
 * idempotency keys matter. Messages never contain secrets.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly opts: { retryAfterMs?: number; ambiguous?: boolean } = {},
  ) {
    super(message);
  }
}
