/** The campaigns shipped in `experiments/` load without errors or warnings, and match what their READMEs say. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandRuns, type RunSpec } from "./expand-runs.ts";
import type { CampaignConfigError } from "./errors.ts";
import { loadCampaign } from "./load-campaign.ts";
import { checkPacing } from "../run/check-pacing.ts";
import { planFor, topologyFor } from "../run/prepare.ts";

const experiments = fileURLToPath(new URL("../../../experiments/", import.meta.url));
const load = (name: string, env: Record<string, string> = {}) => loadCampaign(`${experiments}${name}`, { env });

describe("shipped campaigns", () => {
  it.each(["default", "giraff-final", "giraff-europar", "giraff-thesis", "scale-1000"])(
    "%s loads without warnings",
    async (name) => {
      const campaign = await load(name);
      expect(campaign.warnings).toEqual([]);
      expect(expandRuns(campaign).length).toBeGreaterThan(0);
    },
  );

  it.each(["default", "giraff-final", "giraff-europar", "giraff-thesis", "scale-1000"])(
    "%s: WAIT_TIME covers the last IoT window of every plan",
    async (name) => {
      const campaign = await load(name);
      expect(() =>
        checkPacing(expandRuns(campaign), (run) => {
          const topology = topologyFor(campaign, run, undefined);
          return { topology, plan: planFor(run, topology, undefined) };
        }),
      ).not.toThrow();
    },
    120_000,
  );

  it("a WAIT_TIME too short for a plan names the variable, its file and the plan it is short for", async () => {
    // edge-first alone: its label ends with a hyphenated strategy, which the rule must not cut into
    const campaign = await load("default", { GIRAFF_WAIT_TIME: "1", GIRAFF_STRATEGIES: "edge-first" });
    const prepare = (run: RunSpec) => {
      const topology = topologyFor(campaign, run, undefined);
      return { topology, plan: planFor(run, topology, undefined) };
    };
    const error = (() => {
      try {
        checkPacing(expandRuns(campaign), prepare);
      } catch (err) {
        return err as CampaignConfigError;
      }
      throw new Error("checkPacing accepted a WAIT_TIME of 1 s");
    })();
    expect(error).toMatchObject({ variable: "WAIT_TIME", value: "1", file: "environment" });
    expect(error.rule).toMatch(/^at least \d+ s for the plan of variation base \(size ×1, repetition 1\)$/);
  });

  it("default: 7 strategies × 1 size × 1 repetition × 1 variation, short enough for ten minutes", async () => {
    const campaign = await load("default");
    const runs = expandRuns(campaign);
    expect(runs.map((r) => r.label)).toEqual([
      "x1-r1-base-auction",
      "x1-r1-base-edge-first",
      "x1-r1-base-edge-furthest",
      "x1-r1-base-edge-ward",
      "x1-r1-base-mincpurandom",
      "x1-r1-base-max-cpu",
      "x1-r1-base-cloud-only",
    ]);
    expect(new Set(runs.map((r) => r.planKey)).size).toBe(1);
    expect(campaign.deployment.provider).toBe("local");
    // the published setting (giraff-final's), on one network
    expect(campaign.topology).toEqual({ kind: "preset", preset: "paper" });
    expect(campaign.latencyModel).toBe("tcp");
    const { workload, pacing } = campaign.matrix.variations[0]!;
    expect(workload).toMatchObject({ variant: "paper", latencyLaw: "half-normal-paper" });
    const nominal = runs.length * (pacing.warmupS + workload.experimentDurationS + pacing.waitTimeS);
    expect(nominal).toBeLessThanOrEqual(7 * 60);
  });

  it("giraff-final: the paper's 5 strategies × 10 networks in the published setting, short enough for 90 minutes", async () => {
    const campaign = await load("giraff-final");
    const runs = expandRuns(campaign);
    expect(runs).toHaveLength(50);
    expect(new Set(runs.map((r) => r.strategy.strategy))).toEqual(
      new Set(["auction", "edge-first", "edge-ward", "mincpurandom", "edge-furthest"]),
    );
    expect(new Set(runs.map((r) => r.topologyKey)).size).toBe(10);
    expect(campaign.topology).toEqual({ kind: "preset", preset: "paper" });
    expect(campaign.latencyModel).toBe("tcp");
    const { workload, pacing } = campaign.matrix.variations[0]!;
    expect(workload).toMatchObject({ variant: "paper", latencyLaw: "half-normal-paper", stopOverheadMs: 10_000 });
    expect(workload.latencyClassesMs).toMatchObject({ LOW_LATENCY: 20, HIGH_LATENCY: 75, HIGHER_LATENCY: 200 });
    // deploy, drain and collection: about 5 s per run beyond the nominal time in the default campaign; 10 s here
    const nominal = runs.length * (pacing.warmupS + workload.experimentDurationS + pacing.waitTimeS + 10);
    expect(nominal).toBeLessThanOrEqual(90 * 60);
  });

  it("giraff-europar: 5 strategies × 2 sizes, and its three variation files all load", async () => {
    const campaign = await load("giraff-europar");
    expect(expandRuns(campaign)).toHaveLength(10);
    const all = await load("giraff-europar", { GIRAFF_ENV_VARIATIONS: ".env.1 .env.2 .env.3" });
    expect(all.matrix.variations.map((v) => v.workload.pipelines.map((p) => p.chainsPerIotNode))).toEqual([
      [4, 4, 4, 4],
      [6, 6, 6, 6],
      [12, 12, 12, 12],
    ]);
    expect(expandRuns(all)).toHaveLength(30);
  });

  it("scale-1000: the auction and two baselines on one network of about 1,000 nodes, short enough for 45 minutes", async () => {
    const campaign = await load("scale-1000");
    const runs = expandRuns(campaign);
    expect(runs.map((r) => r.label)).toEqual([
      "x4-r1-base-auction",
      "x4-r1-base-edge-first",
      "x4-r1-base-mincpurandom",
    ]);
    expect(new Set(runs.map((r) => r.planKey)).size).toBe(1);
    expect(campaign.deployment.provider).toBe("local");
    const topology = topologyFor(campaign, runs[0]!, undefined);
    // the README's network: 1,008 fog nodes and the root, 746 of them IoT-connected
    expect(topology.nodes).toHaveLength(1009);
    expect(topology.nodes.filter((n) => n.iotConnected)).toHaveLength(746);
    const { workload, pacing } = campaign.matrix.variations[0]!;
    expect(workload).toMatchObject({ variant: "paper", latencyLaw: "half-normal-paper", executionScale: 0.1 });
    // deploy, drain and collection: about 20 s per run at this size, plus two minutes of ingestion and figures
    const nominal = runs.length * (pacing.warmupS + workload.experimentDurationS + pacing.waitTimeS + 20) + 120;
    expect(nominal).toBeLessThanOrEqual(45 * 60);
  });

  it("giraff-thesis: the auction at two load levels", async () => {
    const runs = expandRuns(await load("giraff-thesis"));
    expect(runs.map((r) => r.label)).toEqual(["x4-r1-.env.1-auction", "x4-r1-.env.3-auction"]);
  });
});
