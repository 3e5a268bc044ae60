/**
 * Exponential moving average (giraff.md §3.7): `ema ← α·x + (1−α)·ema`, starting at the first sample.
 * GIRAFF's latency monitor uses α = 0.3.
 */
export class Ema {
  readonly alpha: number;
  #value: number | undefined;

  /** @param alpha weight of the newest sample, in [0, 1]. */
  constructor(alpha: number) {
    if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`EMA alpha must be in [0, 1], got ${alpha}.`);
    this.alpha = alpha;
  }

  /** Feeds one sample and returns the new average. */
  push(x: number): number {
    if (!Number.isFinite(x)) throw new RangeError(`EMA samples must be finite numbers, got ${x}.`);
    this.#value = this.#value === undefined ? x : this.alpha * x + (1 - this.alpha) * this.#value;
    return this.#value;
  }

  /** The current average; undefined before the first sample. */
  get value(): number | undefined {
    return this.#value;
  }
}
