/**
 * The two reference variants of the generator (giraff.md §12.1, §12.3) as complete sets of defaults, so that a
 * campaign names a variant and overrides only what it changes:
 *
 * | law / constant            | `head` (Go, Aug 2024 →)  | `paper` (Euro-Par, v3.0.0)        |
 * | ------------------------- | ------------------------ | --------------------------------- |
 * | Gamma(2.35, 15)           | rate (mean ≈ 0.157)      | rate (the Go port's numbers)      |
 * | multipliers (arr. / dur.) | 40 000 / 3 000 000       | 25 000 / 100 000                  |
 * | cold start / stop / min   | 1 s / 120 s / 200 s      | 1 s / 60 s / none                 |
 * | latency law               | ⌈|N·L|⌉                  | ⌈|N·L + L/4|⌉                     |
 * | interval                  | ≥ expected interval      | as drawn, resources scaled        |
 * | replicas                  | the pipeline's           | 1                                 |
 */
import type { LatencyClassValues } from "./latency-classes.ts";
import { HEAD_LATENCY_CLASSES, PAPER_LATENCY_CLASSES } from "./latency-classes.ts";
import { AZURE_LOG_NORMAL } from "./laws/log-normal.ts";
import { README_BUCKETS } from "./laws/latency.ts";
import type { WorkloadLaws } from "./plan-schema.ts";

export type PlanVariant = "head" | "paper";

const COMMON = {
  gammaParameterisation: "rate",
  gammaShape: 2.35,
  gammaValue: 15,
  intervalLaw: "gamma",
  logNormalMu: AZURE_LOG_NORMAL.mu,
  logNormalSigma: AZURE_LOG_NORMAL.sigma,
  coldStartOverheadMs: 1000,
} as const;

export const VARIANT_LAWS: Record<PlanVariant, WorkloadLaws> = {
  head: {
    ...COMMON,
    studentTBuckets: { ...README_BUCKETS },
    arrivalRequestMultiplier: 40_000,
    durationMultiplier: 3_000_000,
    stopOverheadMs: 120_000,
    minDurationMs: 200_000,
    latencyClasses: { ...HEAD_LATENCY_CLASSES },
    latencyLaw: "half-normal-head",
    resourceScaling: false,
    intervalAtLeastExpected: true,
  },
  paper: {
    ...COMMON,
    studentTBuckets: { ...README_BUCKETS },
    arrivalRequestMultiplier: 25_000,
    durationMultiplier: 100_000,
    stopOverheadMs: 60_000,
    minDurationMs: 0,
    latencyClasses: { ...PAPER_LATENCY_CLASSES },
    latencyLaw: "half-normal-paper",
    resourceScaling: true,
    intervalAtLeastExpected: false,
    fixedReplicas: 1,
  },
};

/** Overrides of the variant's laws; nested records merge field by field. */
export type WorkloadLawsOverrides = Partial<Omit<WorkloadLaws, "latencyClasses" | "studentTBuckets">> & {
  latencyClasses?: Partial<LatencyClassValues>;
  studentTBuckets?: Partial<WorkloadLaws["studentTBuckets"]>;
};

/** The variant's laws with `overrides` applied (validation happens on the whole plan's params). */
export function resolveLaws(variant: PlanVariant, overrides: WorkloadLawsOverrides = {}): WorkloadLaws {
  const base = VARIANT_LAWS[variant];
  return {
    ...base,
    ...overrides,
    latencyClasses: { ...base.latencyClasses, ...overrides.latencyClasses },
    studentTBuckets: { ...base.studentTBuckets, ...overrides.studentTBuckets },
  };
}

/** The default instant for the names' timestamps: fixed, so plans never depend on the wall clock. */
export const DEFAULT_EPOCH = "2024-08-01T00:00:00.000Z";
