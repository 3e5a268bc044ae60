/**
 * The arrival times of one IoT job: GIRAFF's open-loop Poisson process (`reference/giraff.md` §10), pure and
 * seeded so a run can be replayed and the schedule tested without timers. GIRAFF fires, sleeps Exp(mean), and
 * stops once the elapsed time passes the duration, so arrivals are at 0, E₁, E₁+E₂, … while ≤ `durationMs`.
 *
 * GIRAFF's Go code draws its gaps as `10 s × Exp(1) / interval_s` (a leftover marked TODO), i.e. a mean of
 * 10 / interval seconds; we use the documented mean of `intervalMs`.
 */

/** One exponential gap of mean `meanMs` from a uniform draw in [0, 1). */
export function exponentialGap(random: () => number, meanMs: number): number {
  return -meanMs * Math.log(1 - random());
}

/** Offsets in ms from the start of the job at which requests fire, lazily (a long job is never materialised). */
export function* poissonArrivals(random: () => number, meanMs: number, durationMs: number): Generator<number> {
  let at = 0;
  while (at <= durationMs) {
    yield at;
    at += exponentialGap(random, meanMs);
  }
}
