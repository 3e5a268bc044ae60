/**
 * One variation: the campaign `.env` overridden by one variation file (and the environment), resolved into the
 * workload its plan is generated from and the pacing of its runs. The cross-field rules that keep a plan
 * meaningful live here: functions must outlive their stop overhead, the warm-up must be shorter than the
 * experiment, a run's timeout must exceed its nominal length, and there must be at least one chain.
 */
import { blame, crossFieldError, settingError, settingSentence } from "./blame.ts";
import { DEFAULT_SOURCE, defaultRunTimeoutS, type ResolvedLayer } from "./defaults.ts";
import type { Setting } from "./layers.ts";
import { parsePipeline, PIPELINES } from "./pipelines.ts";
import { LATENCY_CLASSES, type LatencyClass, type Variation, type Workload } from "./schema.ts";

/** The latency law of each generator when `LATENCY_LAW` is unset (plan-options.ts `VARIANT_LAWS`). */
const VARIANT_LATENCY_LAWS = { head: "half-normal-head", paper: "half-normal-paper" } as const;

/**
 * `EXECUTION_SCALE` when unset, by `PROVIDER`. On Grid'5000 every fog node has its own VM, so functions burn their
 * trace-driven time. Here the whole network shares the machine's cores with the functions: at full time, a dozen
 * busy-spin functions starve the event loops that emulate the links, and hops turn late from the machine alone
 * (views/16-run_emulation.sql measures it); a tenth keeps the CPU-bound character at a load two cores sustain.
 */
const DEFAULT_EXECUTION_SCALE = { local: 0.1, grid5000: 1 } as const;

export function resolveVariation(name: string, file: string | null, layer: ResolvedLayer): Variation {
  const workload = resolveWorkload(layer);
  const warmup = layer.WARMUP_TIME;
  const duration = layer.EXPERIMENT_DURATION;
  if (warmup.value >= duration.value) throw crossFieldError(warmup, duration, "shorter than");
  const stop = layer.FUNCTION_STOP_OVERHEAD;
  const minDuration = layer.FUNCTION_MIN_DURATION;
  if (stop.value >= minDuration.value) throw crossFieldError(stop, minDuration, "shorter than");

  const nominal = { warmupS: warmup.value, experimentDurationS: duration.value, waitTimeS: layer.WAIT_TIME.value };
  const timeout = layer.RUN_TIMEOUT;
  const least = nominal.warmupS + nominal.experimentDurationS + nominal.waitTimeS;
  if (timeout !== undefined && timeout.value <= least) {
    const rule = `longer than \`WARMUP_TIME\` + \`EXPERIMENT_DURATION\` + \`WAIT_TIME\` (${least} s)`;
    throw settingError(timeout, rule);
  }
  const pacing = {
    warmupS: nominal.warmupS,
    waitTimeS: nominal.waitTimeS,
    waitTimeFrom: layer.WAIT_TIME.file,
    runTimeoutS: timeout?.value ?? defaultRunTimeoutS(nominal),
  };
  return { name, file, workload, pacing };
}

function resolveWorkload(layer: ResolvedLayer): Workload {
  return {
    experimentDurationS: layer.EXPERIMENT_DURATION.value,
    durationMultiplier: layer.DURATION_MULTIPLIER.value,
    arrivalRequestMultiplier: layer.ARRIVAL_REQUEST_MULTIPLIER.value,
    coldStartOverheadMs: layer.FUNCTION_COLD_START_OVERHEAD.value,
    stopOverheadMs: layer.FUNCTION_STOP_OVERHEAD.value,
    minDurationMs: layer.FUNCTION_MIN_DURATION.value,
    latencyClassesMs: Object.fromEntries(LATENCY_CLASSES.map((c) => [c, layer[c].value])) as Record<
      LatencyClass,
      number
    >,
    pipelines: resolvePipelines(layer),
    // GIRAFF's two generators drew latencies differently; LATENCY_LAW overrides the variant's law
    latencyLaw: layer.LATENCY_LAW?.value ?? VARIANT_LATENCY_LAWS[layer.WORKLOAD_VARIANT.value],
    gammaParameterisation: layer.GAMMA_PARAMETERISATION.value,
    variant: layer.WORKLOAD_VARIANT.value,
    executionScale: layer.EXECUTION_SCALE?.value ?? DEFAULT_EXECUTION_SCALE[layer.PROVIDER.value],
  };
}

/** `PIPELINES` (ours) or `FUNCTION_DESCRIPTIONS` (GIRAFF's files), each with its chain count per IoT node. */
function resolvePipelines(layer: ResolvedLayer): Workload["pipelines"] {
  const { PIPELINES: ours, FUNCTION_DESCRIPTIONS: giraff } = layer;
  if (giraff !== undefined && ours.file !== DEFAULT_SOURCE) {
    const rule = "unset when `PIPELINES` is set (name pipelines one way only)";
    throw settingSentence(giraff, rule, "set either `PIPELINES` or `FUNCTION_DESCRIPTIONS`, not both.");
  }
  const list: Setting<string[]> = giraff ?? ours;
  if (list.value.length === 0) {
    throw settingSentence(
      list,
      "a non-empty list of pipelines",
      `\`${list.variable}\` is empty, so no chains would be planned.`,
    );
  }
  const names = list.value.map((text) => parsePipeline(text, { file: list.file, variable: list.variable }));
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw settingError(list, `a list without repeats (${repeated} appears twice)`);
  const pipelines = names.map((name) => ({ name, chainsPerIotNode: layer[PIPELINES[name].countVariable].value }));
  if (pipelines.every((p) => p.chainsPerIotNode === 0)) {
    const counts = [...new Set(names.map((n) => layer[PIPELINES[n].countVariable]))];
    const culprit = counts.reduce(blame);
    const names_ = counts.map((c) => `\`${c.variable}\``).join(" and ");
    throw settingSentence(
      culprit,
      "at least one chain per IoT node",
      `${names_} give 0 chains for every pipeline of \`${list.variable}\` (${list.text.trim()}), so the plan would be empty.`,
    );
  }
  return pipelines;
}
