/**
 * Caps how many bids a node proposes per second (giraff.md §5.6 step 2), since bids reserve nothing (§17.3).
 *
 * Fix: GIRAFF keeps one counter for even and one for odd wall-clock seconds, and a counter is only reset by a call
 * in the other parity, so after a quiet spell a stale count can refuse bids (or a burst straddling two seconds can
 * pass twice the cap). Here it is a true sliding window: at most `max` accepted proposals in any 1000 ms window
 * `(now − 1000, now]`. Refused attempts do not count against the window.
 *
 * The last `max` accepted times sit in a ring: a new proposal fits iff the oldest of them has left the window.
 */

import { BID_RATE_WINDOW_MS as WINDOW_MS } from "../protocol/rates.ts";

const MiB = 1024 * 1024;

/** GIRAFF's testbed default: ⌈reserved memory in MiB / 100⌉, "how many 100 MB functions fill the node"; ≥ 1. */
export function defaultMaxInFlight(memoryBytes: number): number {
  return Math.max(1, Math.ceil(memoryBytes / MiB / 100));
}

export class InFlightLimiter {
  readonly max: number;
  /** Times of the last ≤ `max` accepted proposals; `#next` is the oldest once the ring is full. */
  readonly #times: number[] = [];
  #next = 0;
  #latest = Number.NEGATIVE_INFINITY;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`The in-flight limit must be an integer ≥ 1, got ${max}.`);
    }
    this.max = max;
  }

  /** Takes a slot at `now` (ms) if fewer than `max` were taken in the last second; false means "do not bid". */
  tryAcquire(now: number): boolean {
    // A clock stepping backwards must not reopen slots: treat time as monotonic.
    const t = Math.max(now, this.#latest);
    if (this.#times.length < this.max) {
      this.#times.push(t);
    } else {
      if (this.#times[this.#next] > t - WINDOW_MS) return false;
      this.#times[this.#next] = t;
      this.#next = (this.#next + 1) % this.max;
    }
    this.#latest = t;
    return true;
  }

  /** Slots taken in the window ending at `now`. */
  inWindow(now: number): number {
    const t = Math.max(now, this.#latest);
    return this.#times.filter((x) => x > t - WINDOW_MS).length;
  }
}
