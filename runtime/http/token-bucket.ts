/**
 * A token bucket for registrations, at the market and at each node: up to `burst` at once, then `perSecond`.
 * Pure given the times passed in; a refused attempt takes no token and says when the next one will be there, for
 * the `Retry-After` of a 429 answer.
 */

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  readonly #limit: RateLimit;
  #tokens: number;
  #at = Number.NEGATIVE_INFINITY;

  constructor(limit: RateLimit) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError(`A rate limit needs perSecond > 0 and burst ≥ 1, got ${JSON.stringify(limit)}.`);
    }
    this.#limit = limit;
    this.#tokens = limit.burst;
  }

  /** Takes a token at `now` (ms) if there is one. */
  take(now: number): Admission {
    if (now > this.#at) {
      const refill = Number.isFinite(this.#at) ? ((now - this.#at) * this.#limit.perSecond) / 1000 : this.#limit.burst;
      this.#tokens = Math.min(this.#limit.burst, this.#tokens + refill);
      this.#at = now;
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: ((1 - this.#tokens) * 1000) / this.#limit.perSecond };
  }
}

/** The `Retry-After` header for a refusal: whole seconds, at least 1. */
export function retryAfterHeader(retryAfterMs: number): Record<string, string> {
  return { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
}
