/**
 * Timers for delays computed from untrusted or large values. Node's `setTimeout` fires after 1 ms when the
 * delay exceeds 2^31 − 1 ms (about 24.8 days), with only a warning: a 25-day reservation would end 2 ms after its
 * payment. {@link setLongTimeout} waits the whole delay however long, by re-arming in steps of at most that limit;
 * {@link timerDelay} clamps a delay for loops that re-check their deadline when the timer fires.
 */

/** The longest delay `setTimeout` honours, in ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  /** Cancels the timer; calling it again, or after the callback ran, does nothing. */
  clear(): void;
}

/** Calls `fn` once `ms` milliseconds have passed (NaN or ≤ 0: on the next turn). Unref'd when `unref` is set. */
export function setLongTimeout(fn: () => void, ms: number, opts: { unref?: boolean } = {}): LongTimeout {
  const deadline = performance.now() + (Number.isFinite(ms) ? Math.max(0, ms) : ms > 0 ? Infinity : 0);
  let handle: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = deadline - performance.now();
    if (left <= 0) {
      handle = undefined;
      fn();
      return;
    }
    handle = setTimeout(arm, timerDelay(left));
    if (opts.unref) handle.unref();
  };
  handle = setTimeout(arm, timerDelay(deadline - performance.now()));
  if (opts.unref) handle.unref();
  return {
    clear() {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}

/** A delay `setTimeout` honours: NaN and negatives become 0, anything above {@link MAX_TIMER_MS} is clamped to it. */
export function timerDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}
