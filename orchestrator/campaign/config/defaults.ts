/**
 * Defaults of every variable, as the text a file would hold, so they go through the same parsing as the files.
 * The rule: GIRAFF HEAD's value (`testbed/.env`, `.experiments.env`, giraff.md §12.3) where it runs here; where it
 * does not, a small local value, marked "(ours)". Values derived from others (`MIN_NUMBER_VMS`, `MAX_NUMBER_VMS`,
 * `RUN_TIMEOUT`) are filled in by the resolvers. The table in `orchestrator/campaign/README.md` mirrors this one.
 */
import { type Layer, readFileLayer, type Setting } from "./layers.ts";
import type { VariableName, VariableValues } from "./variables.ts";

/** The `file` of a defaulted setting in error messages. */
export const DEFAULT_SOURCE = "default";

// prettier-ignore
export const DEFAULT_TEXTS = {
  STRATEGIES: "auction",                 // HEAD builds only the auction
  VALUATION: "quadratic",                // HEAD: quadratic_rates
  REDUCTION: "false",                    // HEAD: no_complication
  SIZE_MULTIPLIERS: "1",                 // (ours) HEAD: 4, too big for one machine
  NB_REPETITIONS: "1",
  ENV_VARIATIONS: "",                    // (ours) no variation files: one variation, `base`
  TOPOLOGY: "current",                   // HEAD tiers (giraff.md §11.1)
  PROVIDER: "local",                     // (ours)
  CLUSTER: "gros",
  NB_IN_PARALLEL: "1",
  DEPLOYMENT_WALLTIME: "10:00:00",
  RANDOM_SEED: "giraff",                 // (ours) GIRAFF: the time, i.e. not reproducible
  LATENCY_MODEL: "tcp",                  // HEAD's Padhye model
  NO_LATENCY: "1000",
  SUPER_NO_LATENCY: "10000",
  HIGH_LATENCY: "75",
  HIGHER_LATENCY: "200",
  LOW_LATENCY: "50",
  DURATION_MULTIPLIER: "3000000",
  ARRIVAL_REQUEST_MULTIPLIER: "40000",
  EXPERIMENT_DURATION: "600",
  FUNCTION_COLD_START_OVERHEAD: "1000",
  FUNCTION_STOP_OVERHEAD: "120000",
  FUNCTION_MIN_DURATION: "200000",
  PIPELINES: "image-classification audio-sentiment", // (ours) HEAD: giraff_app, not reproducible
  NB_IMAGE_FUNCTIONS: "1",               // (ours) HEAD: 0 (giraff_app only)
  NB_AUDIO_FUNCTIONS: "1",               // (ours) HEAD: 0
  GAMMA_PARAMETERISATION: "rate",        // HEAD's Go generator reads 15 as a rate
  WORKLOAD_VARIANT: "head",              // HEAD's generator (LATENCY_LAW follows the variant unless set)
  WARMUP_TIME: "60",                     // GIRAFF sleeps 60 s so latency medians fill
  WAIT_TIME: "140",
} as const satisfies Partial<Record<VariableName, string>>;

export type DefaultedName = keyof typeof DEFAULT_TEXTS;

/** Minimum fog-node VMs and maximum hosts when `MIN_NUMBER_VMS` / `MAX_NUMBER_VMS` are unset: no real bound. */
export const DEFAULT_MIN_NUMBER_VMS = 1;
export const DEFAULT_MAX_NUMBER_VMS = 10_000;

/** `RUN_TIMEOUT` when unset: twice the run's nominal length plus two minutes for deploy and collection. */
export function defaultRunTimeoutS(pacing: {
  warmupS: number;
  experimentDurationS: number;
  waitTimeS: number;
}): number {
  return 2 * (pacing.warmupS + pacing.experimentDurationS + pacing.waitTimeS) + 120;
}

/** The defaults as a layer, parsed like any file (a bad default fails every test). */
export function defaultLayer(): Layer {
  const text = Object.entries(DEFAULT_TEXTS)
    .map(([name, value]) => `${name}="${value}"`)
    .join("\n");
  return readFileLayer(text, DEFAULT_SOURCE, "campaign", []);
}

/** A merged layer: every defaulted variable is present. */
export type ResolvedLayer = Layer & { [K in DefaultedName]: Setting<VariableValues[K]> };

/** Later layers win: defaults, then the campaign `.env`, then a variation file, then the environment. */
export function mergeLayers(...layers: Layer[]): ResolvedLayer {
  return Object.assign({}, defaultLayer(), ...layers) as ResolvedLayer;
}
