/**
 * Every variable a campaign file may set: its kind (how the string is parsed and the rule errors print) and its
 * scope. `campaign` variables shape the run matrix or the deployment, so only the campaign's `.env` (or the
 * environment) may set them; `variation` variables describe one workload and may be overridden by each variation
 * file. Names are GIRAFF's (giraff.md §12.1, §12.3) where GIRAFF had the setting; ours are marked "(ours)".
 */
import { LATENCY_MODELS, VALUATIONS } from "../../../runtime/strategies/index.ts";
import type { LatencyModelName, ValuationName } from "../../../runtime/strategies/index.ts";
import * as bounded from "./bounds.ts";
import * as k from "./kinds.ts";
import type { Kind } from "./kinds.ts";

/** Same names as `orchestrator/plan/workload/laws/latency.ts` (kept here so config does not import the planner). */
export const LATENCY_LAWS = ["half-normal-head", "half-normal-paper", "student-t-buckets"] as const;
/** How the second Gamma parameter (15) is read: `rate` as GIRAFF's Go generator, `scale` as its Python one. */
export const GAMMA_PARAMETERISATIONS = ["rate", "scale"] as const;
export const PROVIDERS = ["local", "grid5000"] as const;
export const TOPOLOGY_PRESETS = ["current", "paper"] as const;
/** Same names as `orchestrator/plan/workload/plan-options.ts` `PlanVariant`: GIRAFF HEAD's or Euro-Par's generator. */
export const WORKLOAD_VARIANTS = ["head", "paper"] as const;

const valuations = k.oneOf(Object.keys(VALUATIONS) as ValuationName[]);
const latencyModels = k.oneOf(Object.keys(LATENCY_MODELS) as LatencyModelName[]);

const c = <T>(kind: Kind<T>) => ({ scope: "campaign" as const, kind });
const v = <T>(kind: Kind<T>) => ({ scope: "variation" as const, kind });

// prettier-ignore
export const VARIABLES = {
  // the run matrix
  STRATEGIES:                          c(k.wordList),            // (ours) <strategy>[:<valuation>][:reduction]
  FOG_NODE_IMAGE_TAGS:                 c(k.wordList),            // GIRAFF, zipped with MARKET_IMAGE_TAGS
  MARKET_IMAGE_TAGS:                   c(k.wordList),
  VALUATION:                           c(valuations),            // (ours) default valuation of STRATEGIES entries
  REDUCTION:                           c(k.boolean),             // (ours) default complication of STRATEGIES entries
  SIZE_MULTIPLIERS:                    c(bounded.sizeMultiplierList),
  MIN_NUMBER_VMS:                      c(bounded.minNumberVmsList), // zipped with SIZE_MULTIPLIERS
  MAX_NUMBER_VMS:                      c(bounded.maxNumberVmsList), // zipped with SIZE_MULTIPLIERS
  NB_REPETITIONS:                      c(bounded.repetitions),   // networks per size
  ENV_VARIATIONS:                      c(k.wordList),            // variation files, relative to the campaign folder
  // topology and deployment
  TOPOLOGY:                            c(k.word),                // (ours) `current`, `paper`, or a topology .json file
  PROVIDER:                            c(k.oneOf(PROVIDERS)),    // (ours)
  CLUSTER:                             c(k.word),
  NB_IN_PARALLEL:                      c(bounded.parallel),
  DEPLOYMENT_WALLTIME:                 c(k.walltime),
  DO_NOT_EXECUTE_IF_ENDING_AFTER:      c(k.day),
  DO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR: c(k.clockTime),
  G5K_ALLOW_DAY_JOBS:                  c(k.boolean),             // (ours) submit jobs Grid'5000's day rule refuses
  RANDOM_SEED:                         c(k.word),
  LATENCY_MODEL:                       c(latencyModels),         // (ours) tcp = HEAD, paper = v3.0.0
  // the workload of one variation
  NO_LATENCY:                          v(bounded.latencyClassMs), // latency classes, ms
  SUPER_NO_LATENCY:                    v(bounded.latencyClassMs),
  HIGH_LATENCY:                        v(bounded.latencyClassMs),
  HIGHER_LATENCY:                      v(bounded.latencyClassMs),
  LOW_LATENCY:                         v(bounded.latencyClassMs),
  DURATION_MULTIPLIER:                 v(bounded.lawMultiplier),
  ARRIVAL_REQUEST_MULTIPLIER:          v(bounded.lawMultiplier),
  EXPERIMENT_DURATION:                 v(bounded.experimentS),   // s, the window in which chains arrive
  FUNCTION_COLD_START_OVERHEAD:        v(bounded.overheadMs),    // ms
  FUNCTION_STOP_OVERHEAD:              v(bounded.overheadMs),    // ms
  FUNCTION_MIN_DURATION:               v(bounded.minDurationMs), // ms
  PIPELINES:                           v(k.wordList),            // (ours) pipeline names
  FUNCTION_DESCRIPTIONS:               v(k.wordList),            // GIRAFF: pipeline files
  NB_IMAGE_FUNCTIONS:                  v(bounded.functionsPerNode), // chains per IoT node per image pipeline
  NB_AUDIO_FUNCTIONS:                  v(bounded.functionsPerNode), // chains per IoT node per audio pipeline
  LATENCY_LAW:                         v(k.oneOf(LATENCY_LAWS)), // (ours)
  GAMMA_PARAMETERISATION:              v(k.oneOf(GAMMA_PARAMETERISATIONS)), // (ours)
  WORKLOAD_VARIANT:                    v(k.oneOf(WORKLOAD_VARIANTS)), // (ours) head = HEAD's generator, paper = v3.0.0's
  EXECUTION_SCALE:                     v(bounded.executionScale), // (ours) factor on busy-spin execution times
  // pacing of one run
  WARMUP_TIME:                         v(bounded.pacingS),       // (ours) s before replay; GIRAFF slept 60 s
  WAIT_TIME:                           v(bounded.pacingS),       // s after replay, before collection
  RUN_TIMEOUT:                         v(bounded.runTimeoutS),   // (ours) s, per run
} as const;

export type VariableName = keyof typeof VARIABLES;
export type VariableValues = {
  [K in VariableName]: (typeof VARIABLES)[K]["kind"] extends Kind<infer T> ? T : never;
};

/** GIRAFF variables that do nothing here (Grid'5000 master VM, VM images, InfluxDB, dev switches, giraff_app). */
export const GIRAFF_IGNORED_VARIABLES: ReadonlySet<string> = new Set(
  (
    "VAGRANT DEV DEV_NETWORK DEV_SLEEP_AFTER_CRASH DEV_SLEEP_AFTER_OK RESERVATION PING_REQUEST_TIMEOUT_SEC " +
    "ENV_LIVE_VARIATIONS COMMON_IMAGE_NAME IMAGE_REGISTRY MARKET_LOCAL_PORT IOT_LOCAL_PORT INFLUX_TOKEN INFLUX_ORG " +
    "INFLUX_BUCKET INFLUX_ADDRESS TYPE MASTER_CLUSTER MASTER_WALLTIME MASTER_RESERVATION JOB_LOG JOB_DIR " +
    "NB_GIRAFF_APP_FUNCTIONS INITIAL_BUDGET NEW_BUDGET_PER_REQUEST NO_FALLBACKS"
  ).split(" "),
);

export function isVariableName(name: string): name is VariableName {
  return Object.hasOwn(VARIABLES, name);
}
