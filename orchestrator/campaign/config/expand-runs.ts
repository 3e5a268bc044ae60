/**
 * `expandRuns`: the run matrix of a campaign, sizes × repetitions × variations × strategies, each run with its
 * canonical parameters, its keys and its seeds.
 *
 * - `topologyKey` covers the network: topology source (preset name, or the file's sha256), size multiplier,
 *   MIN/MAX_NUMBER_VMS, repetition number, RANDOM_SEED and the hosts it is packed on (`local`, or
 *   `grid5000/<cluster>`, since GIRAFF's acceptance check counts hosts). Not the variation, not the strategy.
 * - `planKey` covers the workload plan: the topologyKey plus the variation's resolved workload (not its file
 *   name). Every strategy of one (size, repetition, variation) shares it, so all replay the same plan.
 * - the run key covers everything that shapes a run's results: topology, workload, strategy entry (strategy,
 *   valuation, reduction, market rule), latency model, warm-up and wait times. Not the run timeout, parallelism,
 *   walltime or labels, which change how a run is executed, not what it measures.
 */
import { canonicalJson, deriveSeed, shortHash } from "./canonical.ts";
import type { Campaign, Pacing, SizePoint, StrategyEntry, Workload } from "./schema.ts";

export interface TopologyParams {
  source: { preset: string } | { sha256: string };
  sizeMultiplier: number;
  minNumberVms: number;
  maxNumberVms: number;
  /** 1-based. */
  repetition: number;
  randomSeed: string;
  hosts: string;
}

/** Exactly what the run key hashes. */
export interface RunParams {
  topology: TopologyParams;
  workload: Workload;
  strategy: Omit<StrategyEntry, "label">;
  latencyModel: string;
  pacing: { warmupS: number; waitTimeS: number };
}

export interface RunSpec {
  /** sha256 of the canonical JSON of `params`, 16 hex digits: the run's directory name. */
  key: string;
  /** For people: `x1-r1-base-auction`. Not unique by construction; the key is. */
  label: string;
  topologyKey: string;
  planKey: string;
  /** Seeds for the topology generator, the plan generator and the run's own randomness (market ties…). */
  seeds: { topology: number; plan: number; run: number };
  params: RunParams;
  size: SizePoint;
  repetition: number;
  /** Name of the variation (`.env.1`, or `base`). */
  variation: string;
  strategy: StrategyEntry;
  pacing: Pacing;
}

/** Every run of the campaign, in matrix order (sizes, repetitions, variations, strategies). */
export function expandRuns(campaign: Campaign): RunSpec[] {
  const { sizes, repetitions, variations, strategies } = campaign.matrix;
  const runs: RunSpec[] = [];
  for (const size of sizes) {
    const sizeLabel =
      sizes.filter((s) => s.multiplier === size.multiplier).length > 1
        ? `x${size.multiplier}(${size.minNumberVms}-${size.maxNumberVms})`
        : `x${size.multiplier}`;
    for (let repetition = 1; repetition <= repetitions; repetition++) {
      const topology = topologyParams(campaign, size, repetition);
      const topologyKey = shortHash(topology);
      for (const variation of variations) {
        const planKey = shortHash({ topologyKey, workload: variation.workload });
        for (const strategy of strategies) {
          const { label: _label, ...entry } = strategy;
          const params: RunParams = {
            topology,
            workload: variation.workload,
            strategy: entry,
            latencyModel: campaign.latencyModel,
            pacing: { warmupS: variation.pacing.warmupS, waitTimeS: variation.pacing.waitTimeS },
          };
          const key = shortHash(params);
          runs.push({
            key,
            label: `${sizeLabel}-r${repetition}-${variation.name}-${strategy.label}`,
            topologyKey,
            planKey,
            seeds: {
              topology: deriveSeed(campaign.randomSeed, "topology", topologyKey),
              plan: deriveSeed(campaign.randomSeed, "plan", planKey),
              run: deriveSeed(campaign.randomSeed, "run", key),
            },
            params: JSON.parse(canonicalJson(params)) as RunParams,
            size,
            repetition,
            variation: variation.name,
            strategy,
            pacing: variation.pacing,
          });
        }
      }
    }
  }
  return runs;
}

function topologyParams(campaign: Campaign, size: SizePoint, repetition: number): TopologyParams {
  const { topology, deployment } = campaign;
  return {
    source: topology.kind === "preset" ? { preset: topology.preset } : { sha256: topology.sha256 },
    sizeMultiplier: size.multiplier,
    minNumberVms: size.minNumberVms,
    maxNumberVms: size.maxNumberVms,
    repetition,
    randomSeed: campaign.randomSeed,
    hosts: deployment.provider === "local" ? "local" : `${deployment.provider}/${deployment.cluster}`,
  };
}
