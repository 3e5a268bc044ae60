/**
 * Every transport call has a time limit and an AbortSignal. This helper runs a piece of work under both and tells
 * the work to stop (through its own signal) when either fires, so SFTP channels and waits do not linger.
 */

export interface StopReason {
  timedOut?: boolean;
  isCanceled?: boolean;
  cause?: unknown;
}

/** Runs `work`; rejects with `fail(reason)` after `timeoutMs` or when `signal` aborts, and aborts `work`'s signal. */
export function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
  fail: (reason: StopReason) => Error,
): Promise<T> {
  const inner = new AbortController();
  if (opts.signal?.aborted === true) return Promise.reject(fail({ isCanceled: true, cause: opts.signal.reason }));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      action();
    };
    const stop = (reason: StopReason) =>
      finish(() => {
        inner.abort(reason.cause);
        reject(fail(reason));
      });
    const timer = setTimeout(() => stop({ timedOut: true }), opts.timeoutMs);
    const onAbort = () => stop({ isCanceled: true, cause: opts.signal?.reason });
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    work(inner.signal).then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
  });
}
