/**
 * The workload plan generator (giraff.md §12.1 "Sampling"): for every IoT-connected node of the topology and every
 * pipeline, n chains, each with one arrival, request interval and reservation duration shared by its functions,
 * and a latency bound per function. Deterministic for a seed: each (target, pipeline, quantity) draws from its own
 * seeded stream, so adding a target or a pipeline leaves the other chains unchanged, and no wall clock is read.
 */
import { ConfigError, ProtocolError } from "../../../runtime/protocol/errors.ts";
import type { Topology } from "../../../runtime/protocol/topology.ts";
import { parseWith } from "../../../runtime/protocol/validate.ts";
import { seededRandom } from "../../../runtime/util/seeded-random.ts";
import { encodeFunctionName, giraffTimestamp } from "./function-name.ts";
import { arrivalSeconds, openLoopPoissonArrivals } from "./laws/arrivals.ts";
import { sampleGammaLaw } from "./laws/gamma.ts";
import { reservationDurationMs, scaledMs, scaleResources } from "./laws/intervals.ts";
import { latencySampler } from "./laws/latency.ts";
import { sampleLogNormal } from "./laws/log-normal.ts";
import type { Random } from "./laws/random.ts";
import { checkPipeline } from "./pipeline-file.ts";
import type { Pipeline } from "./pipelines.ts";
import { DEFAULT_EPOCH, resolveLaws, type PlanVariant, type WorkloadLawsOverrides } from "./plan-options.ts";
import { planParamsSchema, PLAN_VERSION, type Plan, type PlanChain, type WorkloadLaws } from "./plan-schema.ts";

export interface GeneratePlanSpec {
  topology: Topology;
  pipelines: Pipeline[];
  /** Chains per IoT-connected node, for every pipeline or per pipeline name (GIRAFF's `nbVarName` variables). */
  chainsPerTargetPerPipeline: number | Record<string, number>;
  /** EXPERIMENT_DURATION: the window over which arrivals spread, in s. */
  experimentDurationS: number;
  seed: string | number;
  variant?: PlanVariant;
  laws?: WorkloadLawsOverrides;
  /** The instant the names' timestamps come from (ISO 8601); a fixed default. */
  epoch?: string;
  /** Stamped as is; leave undefined for byte-identical plans. */
  generatedAt?: string;
}

/** Draws the plan. Bad parameters are a ConfigError naming the field and the rule. */
export function generatePlan(spec: GeneratePlanSpec): Plan {
  const variant = spec.variant ?? "head";
  const counts = Object.fromEntries(
    spec.pipelines.map((p) => [
      p.name,
      typeof spec.chainsPerTargetPerPipeline === "number"
        ? spec.chainsPerTargetPerPipeline
        : (spec.chainsPerTargetPerPipeline[p.name] ?? 0),
    ]),
  );
  const params = validated(() =>
    parseWith(planParamsSchema, {
      variant,
      experimentDurationS: spec.experimentDurationS,
      epoch: spec.epoch ?? DEFAULT_EPOCH,
      chainsPerTargetPerPipeline: counts,
      laws: resolveLaws(variant, spec.laws),
      pipelines: spec.pipelines,
      topology: spec.topology.name,
    }),
  );
  params.pipelines.forEach((p, i) => validated(() => checkPipeline(p, `pipelines.${i}`)));
  const timestamp = giraffTimestamp(params.epoch);
  const chains: PlanChain[] = [];
  for (const target of spec.topology.nodes.filter((n) => n.iotConnected)) {
    for (const pipeline of params.pipelines) {
      const n = counts[pipeline.name]!;
      const stream = (what: string) => seededRandom(String(spec.seed), what, target.name, pipeline.name);
      const draw = drawLaw(stream("interval-duration"), params.laws);
      const arrivals = arrivalSeconds(openLoopPoissonArrivals(stream("arrival"), n, params.experimentDurationS));
      const intervals = Array.from({ length: n }, () => scaledMs(draw(), params.laws.arrivalRequestMultiplier));
      const durations = Array.from({ length: n }, () => scaledMs(draw(), params.laws.durationMultiplier));
      const latency = latencySampler(stream("latency"), params.laws.latencyLaw, params.laws.studentTBuckets);
      const envRandom = stream("env");
      for (let index = 0; index < n; index++) {
        const arrivalS = arrivals[index]!;
        const durationMs = reservationDurationMs(durations[index]!, {
          coldStartMs: params.laws.coldStartOverheadMs,
          stopMs: params.laws.stopOverheadMs,
          minDurationMs: params.laws.minDurationMs,
        });
        const functions = pipeline.functions.map((f, position) => {
          const latencyMaxMs = latency(params.laws.latencyClasses[f.latencyClass]);
          const requestIntervalMs = params.laws.intervalAtLeastExpected
            ? Math.max(intervals[index]!, f.expectedRequestIntervalMs)
            : intervals[index]!;
          const fields = { index, cpuMilli: f.cpuMilli, memoryMiB: f.memoryMiB, latencyMs: latencyMaxMs };
          const name = encodeFunctionName(f.name, timestamp, { ...fields, arrivalS, requestIntervalMs, durationMs });
          const resources = params.laws.resourceScaling
            ? scaleResources(f, f.expectedRequestIntervalMs, requestIntervalMs)
            : f;
          return {
            index: position,
            name,
            image: f.image,
            memoryMiB: resources.memoryMiB,
            cpuMilli: resources.cpuMilli,
            latencyMaxMs,
            inputMaxSize: f.inputMaxSize,
            replicas: params.laws.fixedReplicas ?? f.replicas,
            envVars: resolveRandomEnv(f.envVars, envRandom),
            ...(f.envProcess === undefined ? {} : { envProcess: f.envProcess }),
            requestIntervalMs,
          };
        });
        chains.push({
          id: `${target.name}-${pipeline.name}-${index}`,
          pipeline: pipeline.name,
          chainIndex: index,
          targetNodeId: target.id,
          targetNodeName: target.name,
          arrivalS,
          requestIntervalMs: functions[0]!.requestIntervalMs,
          durationMs,
          content: pipeline.content,
          functions,
        });
      }
    }
  }
  return {
    version: PLAN_VERSION,
    seed: spec.seed,
    ...(spec.generatedAt === undefined ? {} : { generatedAt: spec.generatedAt }),
    params,
    chains,
  };
}

/** The interval and duration law: one stream, intervals first then durations, as GIRAFF draws them. */
function drawLaw(random: Random, laws: WorkloadLaws): () => number {
  if (laws.intervalLaw === "log-normal") {
    return () => sampleLogNormal(random, { mu: laws.logNormalMu, sigma: laws.logNormalSigma });
  }
  const law = { shape: laws.gammaShape, value: laws.gammaValue, parameterisation: laws.gammaParameterisation };
  return () => sampleGammaLaw(random, law);
}

/** `<<random>>` becomes a random integer below 1e8 now, so every replay of the plan sends the same value. */
function resolveRandomEnv(envVars: Record<string, string>, random: Random): [string, string][] {
  return Object.entries(envVars).map(([k, v]) => [k, v === "<<random>>" ? String(Math.floor(random() * 1e8)) : v]);
}

function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ProtocolError) {
      throw new ConfigError(err.field, `Cannot generate the plan: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
