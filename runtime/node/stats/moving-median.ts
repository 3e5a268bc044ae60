/**
 * Moving median and interquartile range over the last `window` samples (giraff.md §3.7; production window 50).
 *
 * GIRAFF keeps a ring buffer plus an ordered skip-list; for windows of tens of values a sorted array with binary
 * insertion and removal does the same job. The quartile rule is GIRAFF's own, reproduced exactly so medians and
 * uncertainties match the reference's numbers (see {@link quartiles}).
 */

/** GIRAFF returns nothing until this many samples exist. */
export const MIN_SAMPLES = 4;

export interface MedianSummary {
  median: number;
  q1: number;
  q3: number;
  /** Q3 − Q1. */
  iqr: number;
  /** Number of samples summarised (≤ window). */
  count: number;
}

export class MovingMedian {
  readonly window: number;
  /** Samples in arrival order, used as a ring. */
  readonly #ring: number[] = [];
  #next = 0;
  /** The same samples, sorted ascending. */
  readonly #sorted: number[] = [];

  constructor(window: number) {
    if (!Number.isInteger(window) || window < MIN_SAMPLES) {
      throw new RangeError(`A moving median needs an integer window ≥ ${MIN_SAMPLES}, got ${window}.`);
    }
    this.window = window;
  }

  push(x: number): void {
    if (!Number.isFinite(x)) throw new RangeError(`Moving-median samples must be finite numbers, got ${x}.`);
    if (this.#ring.length < this.window) {
      this.#ring.push(x);
    } else {
      const evicted = this.#ring[this.#next];
      this.#sorted.splice(lowerBound(this.#sorted, evicted), 1);
      this.#ring[this.#next] = x;
    }
    this.#next = (this.#next + 1) % this.window;
    this.#sorted.splice(lowerBound(this.#sorted, x), 0, x);
  }

  get count(): number {
    return this.#ring.length;
  }

  /** Median, quartiles and IQR; undefined until {@link MIN_SAMPLES} samples exist. */
  summary(): MedianSummary | undefined {
    return summarizeSorted(this.#sorted);
  }
}

/** Median/quartiles of an ascending array; undefined below {@link MIN_SAMPLES} values. */
export function summarizeSorted(sorted: readonly number[]): MedianSummary | undefined {
  const n = sorted.length;
  if (n < MIN_SAMPLES) return undefined;
  const { q1, q3 } = quartiles(sorted);
  return { median: median(sorted), q1, q3, iqr: q3 - q1, count: n };
}

/** Median of an ascending, non-empty array: the middle value, or the mean of the two middles for even n. */
export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * GIRAFF's quartiles of an ascending array of at least 4 values: Q1 at index ⌊n/4⌋ and Q3 at ⌊3n/4⌋; when
 * n mod 4 ∈ {0, 1} the value at that index is averaged with the one just below it.
 */
export function quartiles(sorted: readonly number[]): { q1: number; q3: number } {
  const n = sorted.length;
  if (n < MIN_SAMPLES) throw new RangeError(`Quartiles need at least ${MIN_SAMPLES} values, got ${n}.`);
  const averaged = n % 4 === 0 || n % 4 === 1;
  const at = (i: number): number => (averaged ? (sorted[i] + sorted[i - 1]) / 2 : sorted[i]);
  return { q1: at(Math.floor(n / 4)), q3: at(Math.floor((3 * n) / 4)) };
}

/** First index whose value is ≥ x. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
