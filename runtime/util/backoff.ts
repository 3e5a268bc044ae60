/**
 * Exponential backoff delays, as GIRAFF's `backoff` crate computes them but without jitter, so that waiting for a
 * function is reproducible in tests and easy to read in logs.
 */

export interface BackoffOptions {
  /** First delay in ms (GIRAFF: 500; we poll a local gateway, so 100). */
  initialMs: number;
  /** Growth factor between delays (GIRAFF: 1.5). */
  factor: number;
  /** Largest single delay in ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, factor: 1.5, maxMs: 5_000 };

/** The same delay every time: polling at a fixed interval. */
export const fixedDelay = (ms: number): BackoffOptions => ({ initialMs: ms, factor: 1, maxMs: ms });

/** Yields `initialMs`, `initialMs × factor`, ... capped at `maxMs`, forever. */
export function* backoffDelays(opts: BackoffOptions = DEFAULT_BACKOFF): Generator<number, never> {
  let delay = opts.initialMs;
  for (;;) {
    yield Math.min(delay, opts.maxMs);
    delay = Math.min(delay * opts.factor, opts.maxMs);
  }
}
