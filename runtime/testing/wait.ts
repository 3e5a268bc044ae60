/**
 * Helpers for tests that drive real processes: poll for a condition instead of sleeping a fixed time, so that the
 * tests pass on a loaded 2-core machine and stay fast on an idle one.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** Calls `probe` until it returns something other than undefined or false; rejects after `timeoutMs`, naming `what`. */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${why}.`, { cause: lastError });
    }
    await sleep(opts.intervalMs ?? 25);
  }
}
