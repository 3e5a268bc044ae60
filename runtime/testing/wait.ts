/**
 * Helpers for tests that drive real processes: poll for a condition instead of sleeping a fixed time, so that the
 * tests pass on a loaded 2-core machine and stay fast on an idle one.
 */
import { fixedDelay } from "../util/backoff.ts";
import { NotYet, pollUntil, RetryGaveUp } from "../util/retry.ts";

/** Calls `probe` until it returns something other than undefined or false; rejects after `timeoutMs`, naming `what`. */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 25;
  try {
    return await pollUntil(probe, {
      deadlineMs: timeoutMs,
      backoff: fixedDelay(intervalMs),
    });
  } catch (err) {
    if (!(err instanceof RetryGaveUp)) throw err;
    const lastError = err.last instanceof NotYet ? undefined : err.last;
    const why = lastError instanceof Error ? `: ${lastError.message}` : "";
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${why}.`, { cause: err });
  }
}
