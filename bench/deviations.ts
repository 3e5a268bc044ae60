/**
 * `deviations`: what each of our deviations from GIRAFF changes in placements and prices, measured by replaying
 * campaign plans through the runtime's placement code with the deviation on (ours) and off (GIRAFF's behaviour).
 * No network is started: `deviations-sim.ts` is a deterministic in-process simulation, so the figures are exact
 * for a given topology and plan, and the seeds give their spread. `runtime/README.md` ("Deviations from GIRAFF,
 * measured") tabulates the results.
 *
 *   pinned .env ─loadCampaign─► RunSpec per repetition ─topologyFor/planFor─► (topology, plan) per seed
 *     └─► simulate(arm) for every arm ─► compareArms(ours, GIRAFF's) per deviation ─► pool over seeds
 *
 * Settings: the paper tiers with the paper workload (`experiments/giraff-final`) and the current tiers with the
 * head workload (`experiments/default`), pinned in {@link DEVIATION_SETTINGS}, each over its repetitions 1…N
 * (`GIRAFF_NB_REPETITIONS`), i.e. N topologies and plans.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandRuns, loadCampaign } from "../orchestrator/campaign/config/index.ts";
import { planFor, topologyFor } from "../orchestrator/campaign/run/prepare.ts";
import { latencyModel, mincpurandomWalk, quadraticPlugin, STRATEGIES, valuation } from "../runtime/strategies/index.ts";
import { round, type Benchmark } from "./common.ts";
import { chargesOf, compareArms, pool, type Comparison } from "./deviations-compare.ts";
import { arm, simulate, type Arm, type SimInput, type SimResult } from "./deviations-sim.ts";

/**
 * The two settings, pinned here (the campaign folders they come from keep changing): `paper` is
 * `experiments/giraff-final/.env` and `head` is `experiments/default/.env`, both as of commit 79544f7, with one
 * strategy (the arms choose their own) and the repetitions set per run.
 */
export const DEVIATION_SETTINGS = [
  {
    name: "paper",
    source: "experiments/giraff-final/.env @ 79544f7",
    what: "paper tiers, paper workload (replicas 1)",
    env: `STRATEGIES="auction"
SIZE_MULTIPLIERS="1"
MIN_NUMBER_VMS="25"
MAX_NUMBER_VMS="40"
PROVIDER="local"
TOPOLOGY="paper"
LATENCY_MODEL="tcp"
RANDOM_SEED="giraff-final"
WORKLOAD_VARIANT="paper"
NO_LATENCY=1000
SUPER_NO_LATENCY=10000
HIGH_LATENCY=75
HIGHER_LATENCY=200
LOW_LATENCY=20
DURATION_MULTIPLIER="25000"
ARRIVAL_REQUEST_MULTIPLIER="50000"
EXPERIMENT_DURATION=60
FUNCTION_COLD_START_OVERHEAD=1000
FUNCTION_STOP_OVERHEAD=10000
FUNCTION_MIN_DURATION=10001
PIPELINES="image-classification audio-sentiment image-classification-higher audio-sentiment-higher"
NB_IMAGE_FUNCTIONS=1
NB_AUDIO_FUNCTIONS=1
EXECUTION_SCALE=0.1
WARMUP_TIME=5
WAIT_TIME=20
`,
  },
  {
    name: "head",
    source: "experiments/default/.env @ 79544f7",
    what: "current tiers, head workload (pipeline replicas)",
    env: `STRATEGIES="auction"
TOPOLOGY="current"
SIZE_MULTIPLIERS="1"
MIN_NUMBER_VMS="3"
MAX_NUMBER_VMS="100"
PROVIDER="local"
RANDOM_SEED="default"
EXPERIMENT_DURATION=35
WARMUP_TIME=5
WAIT_TIME=10
PIPELINES="image-classification"
NB_IMAGE_FUNCTIONS=1
NB_AUDIO_FUNCTIONS=0
DURATION_MULTIPLIER="100000"
ARRIVAL_REQUEST_MULTIPLIER="15000"
FUNCTION_COLD_START_OVERHEAD=1000
FUNCTION_STOP_OVERHEAD=5000
FUNCTION_MIN_DURATION=10000
NO_LATENCY=1000
SUPER_NO_LATENCY=10000
HIGH_LATENCY=75
HIGHER_LATENCY=200
LOW_LATENCY=50
`,
  },
] as const;

const GIRAFF_ACCOUNTING = { replicas: "giraff", committedList: "giraff-fifo" } as const;

/** Every simulated configuration, by name. `ours` is the runtime as it runs (auction, quadratic, defaults). */
export const ARMS: Record<string, Arm> = Object.fromEntries(
  [
    arm("ours", STRATEGIES.auction),
    arm("s-without-replicas", STRATEGIES.auction, {
      valuation: quadraticPlugin("quadratic (GIRAFF's s)", { replicasInShare: false, committedLoad: "clipped" }),
    }),
    arm("u-full-lifetimes", STRATEGIES.auction, {
      valuation: quadraticPlugin("quadratic (GIRAFF's U)", { replicasInShare: true, committedLoad: "full" }),
    }),
    arm("quadratic-giraff", STRATEGIES.auction, { valuation: valuation("quadratic-giraff") }),
    arm("no-fallback", STRATEGIES.auction, { paymentFallback: false }),
    arm("mincpurandom-no-fallback", STRATEGIES.mincpurandom, { paymentFallback: false }),
    arm("limiter-even-odd", STRATEGIES.auction, { limiter: "giraff-even-odd" }),
    arm("cloud-only", STRATEGIES["cloud-only"]),
    arm("replicas-once", STRATEGIES.auction, { accounting: { replicas: "giraff", committedList: "ours" } }),
    arm("committed-fifo", STRATEGIES.auction, { accounting: { replicas: "ours", committedList: "giraff-fifo" } }),
    arm("loss-in-estimates", STRATEGIES.auction, { lossInEstimates: true }),
    arm("mincpurandom", STRATEGIES.mincpurandom),
    arm("mincpurandom-giraff-walk", mincpurandomWalk({ senderTakesSlot: true }, "mincpurandom-giraff")),
    arm("max-cpu", STRATEGIES["max-cpu"]),
    arm("giraff", STRATEGIES.auction, {
      valuation: valuation("quadratic-giraff"),
      paymentFallback: false,
      accounting: GIRAFF_ACCOUNTING,
      limiter: "giraff-even-odd",
    }),
  ].map((a) => [a.name, a]),
);

/** A deviation: the arm with it (ours) against the arm without it (GIRAFF's behaviour). */
export const DEVIATIONS = [
  { id: "replicas-in-s", on: "ours", off: "s-without-replicas", what: "s = cpu × max(1, replicas) / available" },
  { id: "u-clipped-at-d", on: "ours", off: "u-full-lifetimes", what: "U = Σ sᵢ·min(rᵢ, D) (§17.10)" },
  { id: "quadratic", on: "ours", off: "quadratic-giraff", what: "both terms: `quadratic` vs `quadratic-giraff`" },
  { id: "payment-fallback", on: "ours", off: "no-fallback", what: "next bidder after a refused payment (§17.2)" },
  {
    id: "payment-fallback-mincpurandom",
    on: "mincpurandom",
    off: "mincpurandom-no-fallback",
    what: "the same for mincpurandom",
  },
  { id: "cloud-only-baseline", on: "cloud-only", off: "ours", what: "the extra baseline against the auction" },
  { id: "replicas-accounting", on: "ours", off: "replicas-once", what: "replicas in admission and payment (§17.8)" },
  { id: "committed-list", on: "ours", off: "committed-fifo", what: "committed load per SLA, not a FIFO (§17.9)" },
  { id: "in-flight-limiter", on: "ours", off: "limiter-even-odd", what: "sliding window, not even/odd counters" },
  { id: "loss-compounding", on: "loss-in-estimates", off: "ours", what: "1 − Π(1 − p) with emulated loss (§17.4)" },
  {
    id: "mincpurandom-walk",
    on: "mincpurandom",
    off: "mincpurandom-giraff-walk",
    what: "sender dropped before picking",
  },
  { id: "all", on: "ours", off: "giraff", what: "all of the auction's switches at once" },
] as const;

/** Charging: what the CPU-utilisation strategies' winners asked, what we charge, what GIRAFF's market charged. */
const CHARGE_ARMS = ["ours", "mincpurandom", "max-cpu"] as const;

export interface DeviationRun {
  setting: string;
  /** What the plans were generated from: the campaign's topology source, latency model, seed and workload. */
  campaign: Record<string, unknown>;
  seeds: { repetition: number; topologySeed: number; planSeed: number; nodes: number; chains: number; slas: number }[];
  comparisons: Record<string, Comparison[]>;
  charges: Record<string, ReturnType<typeof chargesOf>[]>;
}

/** Runs every arm on repetitions 1…`seeds` of one campaign setting. */
export async function runSetting(
  setting: (typeof DEVIATION_SETTINGS)[number],
  seeds: number,
  progress: (m: string) => void = () => {},
): Promise<DeviationRun> {
  const campaign = await loadPinned(setting.env, seeds);
  const runs = expandRuns(campaign).filter((r, i, all) => all.findIndex((x) => x.planKey === r.planKey) === i);
  const campaignSummary = {
    topology: campaign.topology,
    latencyModel: campaign.latencyModel,
    randomSeed: campaign.randomSeed,
    sizes: campaign.matrix.sizes,
    workload: campaign.matrix.variations.map((v) => v.workload),
  };
  const out: DeviationRun = {
    setting: setting.name,
    campaign: campaignSummary,
    seeds: [],
    comparisons: {},
    charges: {},
  };
  for (const run of runs) {
    const topology = topologyFor(campaign, run, undefined);
    const plan = planFor(run, topology, undefined);
    const input: SimInput = { topology, chains: plan.chains, latencyModel: latencyModel(campaign.latencyModel) };
    const results = new Map<string, SimResult>();
    for (const a of Object.values(ARMS)) results.set(a.name, await simulate(input, a));
    const slas = plan.chains.reduce((s, c) => s + c.functions.length, 0);
    out.seeds.push({
      repetition: run.repetition,
      topologySeed: run.seeds.topology,
      planSeed: run.seeds.plan,
      nodes: topology.nodes.length,
      chains: plan.chains.length,
      slas,
    });
    for (const d of DEVIATIONS) {
      (out.comparisons[d.id] ??= []).push(compareArms(results.get(d.on)!, results.get(d.off)!));
    }
    for (const name of CHARGE_ARMS) (out.charges[name] ??= []).push(chargesOf(results.get(name)!));
    progress(`${setting.name} r${run.repetition}: ${topology.nodes.length} nodes, ${slas} SLAs`);
  }
  return out;
}

export const deviations: Benchmark = {
  name: "deviations",
  // unused: the replay starts no network
  subnet: "127.209",
  async run(ctx) {
    const seeds = ctx.quick ? 3 : 10;
    const figures: Record<string, number | null> = {};
    const details: Record<string, unknown> = {};
    for (const setting of DEVIATION_SETTINGS) {
      const result = await runSetting(setting, seeds, ctx.progress);
      const pooled: Record<string, Record<string, number | null>> = {};
      for (const d of DEVIATIONS) {
        pooled[d.id] = pool(result.comparisons[d.id]!);
        for (const key of ["winnerChangedPct", "unplacedPctOn", "unplacedPctOff", "pairedRatioGiraffOffOverOn"]) {
          figures[`${setting.name}.${d.id}.${key}`] = pooled[d.id]![key]!;
        }
      }
      const charges = Object.fromEntries(
        CHARGE_ARMS.map((name) => [name, meanCharges(result.charges[name]!)] as const),
      );
      for (const [name, c] of Object.entries(charges)) {
        for (const [key, value] of Object.entries(c)) figures[`${setting.name}.charges.${name}.${key}`] = value;
      }
      details[setting.name] = {
        what: setting.what,
        source: setting.source,
        campaign: result.campaign,
        seeds: result.seeds,
        pooled,
        charges,
      };
    }
    return {
      params: {
        settings: DEVIATION_SETTINGS,
        seedsPerSetting: seeds,
        arms: Object.fromEntries(Object.values(ARMS).map((a) => [a.name, describe(a)])),
        deviations: DEVIATIONS,
        timing: "bids valued at the auction's start t; payment at t + 2 × (root→target + deepest explored path)",
      },
      figures,
      details,
      targets: [],
    };
  },
};

/** The campaign of a pinned `.env` text with `seeds` repetitions, read by the real loader from a temporary folder. */
async function loadPinned(env: string, seeds: number) {
  const dir = mkdtempSync(join(tmpdir(), "giraff-deviations-"));
  try {
    writeFileSync(join(dir, ".env"), env);
    return await loadCampaign(dir, { env: { GIRAFF_NB_REPETITIONS: String(seeds) } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function meanCharges(rows: ReturnType<typeof chargesOf>[]): Record<string, number | null> {
  const mean = (k: "ownPricePerChain" | "chargedPerChain" | "giraffChargedPerChain") => {
    const xs = rows.map((r) => r[k]).filter((x): x is number => x !== null);
    return round(xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length, 4);
  };
  return {
    ownPricePerChain: mean("ownPricePerChain"),
    chargedPerChain: mean("chargedPerChain"),
    giraffChargedPerChain: mean("giraffChargedPerChain"),
    awarded: rows.reduce((s, r) => s + r.awarded, 0),
  };
}

function describe(a: Arm) {
  return {
    strategy: a.strategy.name,
    valuation: a.strategy.forcedValuation ?? a.valuation.name,
    paymentFallback: a.paymentFallback,
    accounting: a.accounting,
    limiter: a.limiter,
    lossInEstimates: a.lossInEstimates,
  };
}
