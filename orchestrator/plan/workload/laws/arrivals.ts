/**
 * Chain arrivals: ONE realisation of an open-loop Poisson process conditioned on its span, as GIRAFF intended
 * (giraff.md §12.1): draw n + 1 Exp(1) gaps, rescale them to sum to the experiment's duration, take the cumulative
 * sums and drop the last (which is the duration itself). The result is sorted and lies in [0, duration).
 *
 * GIRAFF redraws a whole process for each index i and keeps its i-th element (§17.12), so its arrivals are
 * unsorted marginal order statistics; we fix that, as the issue asks.
 */
import { exponential } from "./exponential.ts";
import type { Random } from "./random.ts";

/** `n` sorted arrival times in seconds (floats), spread over `durationS`. */
export function openLoopPoissonArrivals(random: Random, n: number, durationS: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Expected a non-negative integer count, got ${n}.`);
  if (!(durationS > 0)) throw new RangeError(`Expected a positive duration, got ${durationS}.`);
  if (n === 0) return [];
  const gaps = Array.from({ length: n + 1 }, () => exponential(random));
  const scale = durationS / gaps.reduce((a, b) => a + b, 0);
  const arrivals: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += gaps[i]! * scale;
    arrivals.push(Math.min(t, durationS));
  }
  return arrivals;
}

/** Whole seconds, as GIRAFF stores them (⌈t⌉): still sorted, and within [0, duration] for an integer duration. */
export function arrivalSeconds(arrivals: readonly number[]): number[] {
  return arrivals.map((t) => Math.ceil(t));
}
