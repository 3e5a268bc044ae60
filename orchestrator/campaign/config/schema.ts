/**
 * The resolved campaign: the one typed, fully defaulted object that every later step reads. It is a zod schema so
 * that `campaign.json` (DESIGN.md §3.3) can be read back and checked by the batch runner and the analysis; the
 * input side (variables as strings) is `variables.ts` and `layers.ts`.
 */
import { z } from "zod";
import { LATENCY_MODELS, STRATEGIES, VALUATIONS } from "../../../runtime/strategies/index.ts";
import type { LatencyModelName, StrategyName, ValuationName } from "../../../runtime/strategies/index.ts";
import { PIPELINE_NAMES } from "./pipelines.ts";
import { GAMMA_PARAMETERISATIONS, LATENCY_LAWS, PROVIDERS, TOPOLOGY_PRESETS, WORKLOAD_VARIANTS } from "./variables.ts";

const positiveInt = z.int().positive();
const nonNegativeInt = z.int().nonnegative();
const names = <T extends string>(registry: object) => z.enum(Object.keys(registry) as [T, ...T[]]);

export const LATENCY_CLASSES = [
  "NO_LATENCY",
  "SUPER_NO_LATENCY",
  "HIGH_LATENCY",
  "HIGHER_LATENCY",
  "LOW_LATENCY",
] as const;
export type LatencyClass = (typeof LATENCY_CLASSES)[number];

export const StrategyEntrySchema = z.object({
  strategy: names<StrategyName>(STRATEGIES),
  valuation: names<ValuationName>(VALUATIONS),
  reduction: z.boolean(),
  marketRule: z.enum(["second-price", "random", "mincpurandom"]),
  label: z.string(),
});

/** One position of the zipped `SIZE_MULTIPLIERS` / `MIN_NUMBER_VMS` / `MAX_NUMBER_VMS` lists. */
export const SizePointSchema = z.object({
  multiplier: positiveInt,
  /** GIRAFF: regenerate the network while it has fewer fog-node VMs than this. */
  minNumberVms: nonNegativeInt,
  /** GIRAFF: regenerate while packing its VMs needs more hosts than this (on `local`: more fog nodes). */
  maxNumberVms: positiveInt,
});

/** What the workload plan of one variation is generated from (giraff.md §12.1). */
export const WorkloadSchema = z.object({
  experimentDurationS: positiveInt,
  durationMultiplier: z.number().positive(),
  arrivalRequestMultiplier: z.number().positive(),
  coldStartOverheadMs: nonNegativeInt,
  stopOverheadMs: nonNegativeInt,
  minDurationMs: positiveInt,
  latencyClassesMs: z.object(
    Object.fromEntries(LATENCY_CLASSES.map((c) => [c, positiveInt])) as Record<LatencyClass, typeof positiveInt>,
  ),
  /** Chains per IoT-connected node for each pipeline, in the order the campaign lists them. */
  pipelines: z.array(z.object({ name: z.enum(PIPELINE_NAMES), chainsPerIotNode: nonNegativeInt })).min(1),
  latencyLaw: z.enum(LATENCY_LAWS),
  gammaParameterisation: z.enum(GAMMA_PARAMETERISATIONS),
  /** Which of GIRAFF's generators: `head` (intervals ≥ expected, pipeline replicas) or `paper` (v3.0.0: intervals as
   * drawn with resources scaled, `replicas: 1`). */
  variant: z.enum(WORKLOAD_VARIANTS),
  /** Factor on the busy-spin functions' execution times (their `EXECUTION_SCALE`). */
  executionScale: z.number().positive(),
});

/** How long one run waits before and after the replay, and when it is killed. */
export const PacingSchema = z.object({
  warmupS: nonNegativeInt,
  waitTimeS: nonNegativeInt,
  /** Where `WAIT_TIME` was set (a file, `environment` or `default`), for the error when a plan needs longer. */
  waitTimeFrom: z.string(),
  runTimeoutS: positiveInt,
});

export const VariationSchema = z.object({
  /** The variation file's name (`.env.1`), or `base` when the campaign lists none. */
  name: z.string(),
  /** Absolute path of the variation file; null for `base`. */
  file: z.string().nullable(),
  workload: WorkloadSchema,
  pacing: PacingSchema,
});

export const TopologySourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("preset"), preset: z.enum(TOPOLOGY_PRESETS) }),
  /** A fixed network; `sha256` of its bytes enters the topology key, the path does not. */
  z.object({ kind: z.literal("file"), path: z.string(), sha256: z.string() }),
]);

export const CampaignSchema = z.object({
  name: z.string(),
  /** Absolute path of the campaign folder. */
  folder: z.string(),
  matrix: z.object({
    strategies: z.array(StrategyEntrySchema).min(1),
    sizes: z.array(SizePointSchema).min(1),
    repetitions: positiveInt,
    variations: z.array(VariationSchema).min(1),
  }),
  topology: TopologySourceSchema,
  latencyModel: names<LatencyModelName>(LATENCY_MODELS),
  randomSeed: z.string(),
  deployment: z.object({
    provider: z.enum(PROVIDERS),
    cluster: z.string(),
    nbInParallel: positiveInt,
    walltime: z.object({ text: z.string(), seconds: positiveInt }),
    /** Grid'5000's day/night guard: do not start a run that could end after this time; null = no guard. */
    doNotExecuteIfEndingAfter: z
      .object({ day: z.string(), hour: z.int().min(0).max(23), minute: z.int().min(0).max(59) })
      .nullable(),
    /**
     * `G5K_ALLOW_DAY_JOBS` (ours, default false): submit a job that Grid'5000's usage policy keeps out of day time
     * (plan/policy.ts), e.g. under an exception from the executive committee.
     */
    allowDayJobs: z.boolean(),
  }),
  warnings: z.array(z.object({ file: z.string(), variable: z.string(), message: z.string() })),
});

export type StrategyEntry = z.infer<typeof StrategyEntrySchema>;
export type SizePoint = z.infer<typeof SizePointSchema>;
export type Workload = z.infer<typeof WorkloadSchema>;
export type Pacing = z.infer<typeof PacingSchema>;
export type Variation = z.infer<typeof VariationSchema>;
export type TopologySource = z.infer<typeof TopologySourceSchema>;
export type Campaign = z.infer<typeof CampaignSchema>;
