/**
 * The one poll/retry loop of the code base: call an attempt until it succeeds, backing off between attempts
 * ({@link backoffDelays}), until a deadline, a number of attempts or an abort signal says stop. The clock is
 * injected (a virtual clock drives the fake Grid'5000 API in tests; real time by default), so that every wait —
 * a node registering, a function becoming live, a VM answering SSH, a job starting — is the same code with the
 * same rules:
 *
 * - an attempt that throws is retried when `retryable(err)` says so (default: always), and ends the loop otherwise;
 * - the wait after a failed attempt is the next backoff delay, cut to the time left before the deadline;
 * - the loop gives up with {@link RetryGaveUp} (attempts, time spent, the last failure, why) when the deadline has
 *   passed or the attempts are spent, and with the signal's reason (an `AbortError` unless it gave one) when aborted.
 *
 * Callers turn {@link RetryGaveUp} into their own error (a RemoteError, a RemoteCommandError, a Grid5000Error):
 * the sentence that a researcher reads stays the caller's.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelays, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.ts";

export interface RetryClock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: RetryClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? {} : { signal }),
};

export interface RetryOptions {
  /** Delays between attempts (default {@link DEFAULT_BACKOFF}). */
  backoff?: BackoffOptions;
  /** Give up once this much time has passed since the first attempt started. Default: never. */
  deadlineMs?: number;
  /** Give up after this many attempts. Default: no limit. */
  attempts?: number;
  clock?: RetryClock;
  signal?: AbortSignal;
  /** Whether a failure is worth another attempt; a failure that is not ends the loop with that error. */
  retryable?: (err: unknown) => boolean;
  /** Told about each failure that will be retried (for a log line), before the wait. */
  onRetry?: (err: unknown, info: AttemptInfo) => void;
}

export interface AttemptInfo {
  /** 1 for the first attempt. */
  attempt: number;
  /** Time since the first attempt started, in ms. */
  elapsedMs: number;
  /** Time left before the deadline (Infinity without one): a bound for the attempt's own timeout. */
  remainingMs: number;
}

/** The loop ran out of time or attempts; `last` is the last attempt's failure. */
export class RetryGaveUp extends Error {
  readonly attempts: number;
  readonly elapsedMs: number;
  readonly last: unknown;
  readonly reason: "deadline" | "attempts";

  constructor(opts: { attempts: number; elapsedMs: number; last: unknown; reason: "deadline" | "attempts" }) {
    const last = opts.last instanceof Error ? opts.last.message : String(opts.last);
    super(
      `Gave up after ${opts.attempts} attempt(s) in ${Math.round(opts.elapsedMs)} ms ` +
        `(${opts.reason === "deadline" ? "deadline reached" : "no attempts left"}); the last one: ${last}`,
      { cause: opts.last },
    );
    this.name = "RetryGaveUp";
    this.attempts = opts.attempts;
    this.elapsedMs = opts.elapsedMs;
    this.last = opts.last;
    this.reason = opts.reason;
  }
}

export async function retry<T>(attempt: (info: AttemptInfo) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const clock = opts.clock ?? realClock;
  const deadlineMs = opts.deadlineMs ?? Infinity;
  const maxAttempts = opts.attempts ?? Infinity;
  const delays = backoffDelays(opts.backoff ?? DEFAULT_BACKOFF);
  const started = clock.now();
  const info = (n: number): AttemptInfo => {
    const elapsedMs = clock.now() - started;
    return { attempt: n, elapsedMs, remainingMs: deadlineMs - elapsedMs };
  };
  for (let n = 1; ; n++) {
    opts.signal?.throwIfAborted();
    let failure: unknown;
    try {
      return await attempt(info(n));
    } catch (err) {
      if (opts.signal?.aborted === true) throw opts.signal.reason;
      if (opts.retryable !== undefined && !opts.retryable(err)) throw err;
      failure = err;
    }
    const now = info(n);
    if (n >= maxAttempts)
      throw new RetryGaveUp({ attempts: n, elapsedMs: now.elapsedMs, last: failure, reason: "attempts" });
    if (now.remainingMs <= 0)
      throw new RetryGaveUp({ attempts: n, elapsedMs: now.elapsedMs, last: failure, reason: "deadline" });
    opts.onRetry?.(failure, now);
    await clock.sleep(Math.min(delays.next().value, now.remainingMs), opts.signal);
    if (info(n).remainingMs <= 0)
      throw new RetryGaveUp({ attempts: n, elapsedMs: info(n).elapsedMs, last: failure, reason: "deadline" });
  }
}

/**
 * Polls `probe` until it returns a value (anything but undefined or false): {@link retry} where "not yet" is an
 * answer, not an error. A probe that throws counts as "not yet" unless `retryable` says otherwise.
 */
export async function pollUntil<T>(
  probe: (info: AttemptInfo) => Promise<T | undefined | false> | T | undefined | false,
  opts: RetryOptions = {},
): Promise<T> {
  return retry(
    async (info) => {
      const value = await probe(info);
      if (value === undefined || value === false) throw new NotYet();
      return value;
    },
    {
      ...opts,
      retryable: (err) => err instanceof NotYet || (opts.retryable?.(err) ?? true),
    },
  );
}

/** A poll that has no value yet: `RetryGaveUp.last` is this when the condition simply never held. */
export class NotYet extends Error {
  constructor() {
    super("the condition did not hold yet");
    this.name = "NotYet";
  }
}
