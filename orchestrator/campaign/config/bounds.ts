/**
 * The bounds of every campaign variable that sizes the run matrix, a generated network or plan, the parallelism or
 * a duration. They are checked on the text of each variable (`kinds.ts`), before anything is generated, so a bad
 * value exits 2 at once with the variable, the value and the bound instead of hanging the topology generator
 * (`SIZE_MULTIPLIERS=1e9`), exhausting the heap (`NB_IMAGE_FUNCTIONS=1e9`) or arming a timer that overflows.
 *
 * Each bound holds every shipped campaign and GIRAFF's own settings with room to spare.
 */
import { intFrom, intListFrom, positiveNumberUpTo } from "./kinds.ts";

const DAY_S = 86_400;

// prettier-ignore
export const BOUNDS = {
  /** GIRAFF's campaigns use 1 and 4; a tier's fan-out grows with it, and at 20 generating one network takes minutes. */
  sizeMultiplier:     { min: 1, max: 8 },
  /** Fog nodes per network: GIRAFF's largest campaign asks for 700. */
  numberVms:          { min: 0, max: 2_000 },
  /** Networks per size: giraff-final uses 10. */
  repetitions:        { min: 1, max: 1_000 },
  /** Runs at once: each run is a fog network on this machine or a reservation on Grid'5000. */
  parallel:           { min: 1, max: 64 },
  /** Chains per IoT node per pipeline: shipped campaigns use at most 12; the plan holds every chain in memory. */
  functionsPerNode:   { min: 0, max: 100 },
  /** Latency classes, ms: GIRAFF's are 20 ms to 10 s. */
  latencyClassMs:     { min: 1, max: 60_000 },
  /** The arrival window, s: the shipped campaigns use 30 and 600 s. */
  experimentS:        { min: 1, max: DAY_S },
  /** Warm-up and wait, s. */
  pacingS:            { min: 0, max: DAY_S },
  /** One run's timeout, s: at most a week, below the 24.8 days a timer can wait. */
  runTimeoutS:        { min: 1, max: 7 * DAY_S },
  /** Cold-start and stop overheads, ms. */
  overheadMs:         { min: 0, max: 3_600_000 },
  /** The shortest reservation, ms: at most a day, far below the wire's 24 days. */
  minDurationMs:      { min: 1, max: DAY_S * 1000 },
  /** Multipliers of the workload laws: the shipped campaigns use 25,000 and 60,000. */
  lawMultiplier:      { max: 1e7 },
  /** The factor on busy-spin execution times (0.1 here, 1 on Grid'5000). */
  executionScale:     { max: 100 },
} as const;

const b = BOUNDS;
export const sizeMultiplierList = intListFrom(b.sizeMultiplier.min, b.sizeMultiplier.max, "size multipliers");
export const minNumberVmsList = intListFrom(b.numberVms.min, b.numberVms.max, "fog nodes");
export const maxNumberVmsList = intListFrom(1, b.numberVms.max, "fog nodes");
export const repetitions = intFrom(b.repetitions.min, b.repetitions.max, "networks per size");
export const parallel = intFrom(b.parallel.min, b.parallel.max, "runs at once");
export const functionsPerNode = intFrom(b.functionsPerNode.min, b.functionsPerNode.max, "chains per IoT node");
export const latencyClassMs = intFrom(b.latencyClassMs.min, b.latencyClassMs.max, "ms");
export const experimentS = intFrom(b.experimentS.min, b.experimentS.max, "s, one day");
export const pacingS = intFrom(b.pacingS.min, b.pacingS.max, "s, one day");
export const runTimeoutS = intFrom(b.runTimeoutS.min, b.runTimeoutS.max, "s, one week");
export const overheadMs = intFrom(b.overheadMs.min, b.overheadMs.max, "ms, one hour");
export const minDurationMs = intFrom(b.minDurationMs.min, b.minDurationMs.max, "ms, one day");
export const lawMultiplier = positiveNumberUpTo(b.lawMultiplier.max, "a multiplier of the workload laws");
export const executionScale = positiveNumberUpTo(b.executionScale.max, "a factor on execution times");
