/**
 * Each function's maximum latency (its SLA's `latencyMax`), drawn from one of three laws:
 *
 * - `half-normal-head`  GIRAFF's Go generator: ⌈|N(0,1) × L|⌉ ms, L the value of the function's latency class;
 * - `half-normal-paper` the Euro-Par (v3.0.0) generator: ⌈|N(0,1) · L + L/4|⌉ ms;
 * - `student-t-buckets` the README's law (not in any GIRAFF code): a t(10) draw puts the function in one of three
 *   classes whatever its pipeline says: "low latency" 15 ms, "normal" 150 ms or "don't care" 10 s.
 *
 * The README says the two extreme buckets hold 5 % each and also that the cut-offs are ±2.25; both cannot hold,
 * since P(T₁₀ > 2.25) ≈ 2.4 %. We keep the stated shares (cut-off = the t quantile of 1 − 5 %, ≈ ±1.812) and let a
 * campaign pass `cutoff: 2.25` to get the literal cut-offs instead.
 * Every law returns at least 1 ms: an SLA with a zero latency bound is invalid on the wire.
 */
import { standardNormal } from "./normal.ts";
import type { Random } from "./random.ts";
import { studentTQuantile } from "./special-functions.ts";
import { sampleStudentT } from "./student-t.ts";

export const LATENCY_LAWS = ["half-normal-head", "half-normal-paper", "student-t-buckets"] as const;
export type LatencyLawName = (typeof LATENCY_LAWS)[number];

export type LatencyBucket = "low" | "normal" | "dont-care";

export interface StudentTBuckets {
  df: number;
  /** Share of functions in each extreme bucket; sets the cut-off unless `cutoff` is given. */
  tailShare: number;
  /** Explicit |t| cut-off; overrides `tailShare`. */
  cutoff?: number | undefined;
  lowMs: number;
  normalMs: number;
  dontCareMs: number;
}

/** The README's buckets: t(10), 5 % / 90 % / 5 %, 15 ms / 150 ms / 10 s. */
export const README_BUCKETS: StudentTBuckets = Object.freeze({
  df: 10,
  tailShare: 0.05,
  lowMs: 15,
  normalMs: 150,
  dontCareMs: 10_000,
});

/** The |t| beyond which a draw falls in an extreme bucket. */
export function studentTCutoff(buckets: StudentTBuckets): number {
  return buckets.cutoff ?? studentTQuantile(1 - buckets.tailShare, buckets.df);
}

/** The bucket of a t draw: the low tail asks for low latency, the high tail does not care. */
export function latencyBucketOf(t: number, cutoff: number): LatencyBucket {
  if (t < -cutoff) return "low";
  if (t > cutoff) return "dont-care";
  return "normal";
}

/** A sampler of latency bounds in ms, given the value L of a function's latency class. */
export function latencySampler(
  random: Random,
  law: LatencyLawName,
  buckets: StudentTBuckets = README_BUCKETS,
): (classValueMs: number) => number {
  switch (law) {
    case "half-normal-head":
      return (L) => Math.max(1, Math.ceil(Math.abs(standardNormal(random) * L)));
    case "half-normal-paper":
      return (L) => Math.max(1, Math.ceil(Math.abs(standardNormal(random) * L + L / 4)));
    case "student-t-buckets": {
      const cutoff = studentTCutoff(buckets); // computed once: the quantile costs a bisection
      const values: Record<LatencyBucket, number> = {
        low: buckets.lowMs,
        normal: buckets.normalMs,
        "dont-care": buckets.dontCareMs,
      };
      return () => values[latencyBucketOf(sampleStudentT(random, buckets.df), cutoff)];
    }
  }
}
