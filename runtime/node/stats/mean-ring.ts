/**
 * Plain mean over the last `size` values: GIRAFF's packet-loss ring (giraff.md §3.7, window 50).
 * The mean is summed on demand: with windows of tens of values this is cheaper than reasoning about drift.
 */
export class MeanRing {
  readonly size: number;
  readonly #values: number[] = [];
  #next = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`A mean ring needs a size ≥ 1, got ${size}.`);
    this.size = size;
  }

  push(x: number): void {
    if (!Number.isFinite(x)) throw new RangeError(`Mean-ring values must be finite numbers, got ${x}.`);
    if (this.#values.length < this.size) this.#values.push(x);
    else this.#values[this.#next] = x;
    this.#next = (this.#next + 1) % this.size;
  }

  /** Mean of the values in the ring; undefined while it is empty. */
  mean(): number | undefined {
    if (this.#values.length === 0) return undefined;
    let sum = 0;
    for (const v of this.#values) sum += v;
    return sum / this.#values.length;
  }

  get count(): number {
    return this.#values.length;
  }
}
