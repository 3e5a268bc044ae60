/**
 * Holding a dense function instance to its CPU limit, as a CFS quota holds a container: a token bucket filled at the
 * instance's share (`milliCpu / 1000` ms of CPU per ms of wall time) holding at most one period's quota (100 ms
 * by default, CFS's period). A slice may start while the bucket is positive; its busy time is taken out afterwards,
 * so the bucket may go negative by one slice and the next slice waits until it has refilled. Over any window of
 * `w` ms an instance uses at most `share × w + quota + one slice`. Pure: the caller gives the time.
 */

export interface CpuThrottleOptions {
  /** The instance's CPU limit in millicores; undefined = unlimited (only counted). */
  milliCpu: number | undefined;
  /** Length of a quota period in ms (the bucket holds one period's quota). */
  periodMs?: number;
}

export class CpuThrottle {
  readonly milliCpu: number | undefined;
  /** CPU time used, in ms. */
  busyMs = 0;
  /** Time slices were held back, in ms (what the limit cost the instance). */
  throttledMs = 0;
  readonly #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #at: number | undefined;

  constructor(opts: CpuThrottleOptions) {
    this.milliCpu = opts.milliCpu;
    // a zero limit would never let a slice run: like no limit, it is only counted
    this.#rate = opts.milliCpu === undefined || opts.milliCpu <= 0 ? Infinity : opts.milliCpu / 1000;
    this.#capacity = this.#rate * (opts.periodMs ?? 100);
    this.#tokens = this.#capacity;
  }

  /** How long to wait at `now` before the next slice may start: 0 when it may start at once. */
  waitMs(now: number): number {
    if (this.#rate === Infinity) return 0;
    this.#refill(now);
    return this.#tokens > 0 ? 0 : (-this.#tokens + 1e-6) / this.#rate;
  }

  /** Records a slice of `busyMs` that ended at `now`, after it waited `waitedMs`. */
  spend(now: number, busyMs: number, waitedMs = 0): void {
    this.busyMs += busyMs;
    this.throttledMs += waitedMs;
    if (this.#rate === Infinity) return;
    this.#refill(now);
    this.#tokens -= busyMs;
  }

  #refill(now: number): void {
    if (this.#at !== undefined) this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#rate);
    this.#at = now;
  }
}
