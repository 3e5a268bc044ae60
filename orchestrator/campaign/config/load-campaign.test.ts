import { describe, expect, it } from "vitest";
import { tempCampaign } from "./testing/temp-campaign.ts";
import { loadCampaign } from "./load-campaign.ts";
import { CampaignSchema } from "./schema.ts";

async function load(files: Record<string, string>, env: Record<string, string> = {}) {
  const { folder, cwd } = tempCampaign(files);
  return loadCampaign(folder, { env, cwd });
}

describe("loadCampaign: defaults", () => {
  it("fills every setting from an empty .env", async () => {
    const c = await load({ ".env": "" });
    expect(CampaignSchema.parse(c)).toEqual(c);
    expect(c.name).toBe("x");
    expect(c.matrix.strategies).toEqual([
      { strategy: "auction", valuation: "quadratic", reduction: false, marketRule: "second-price", label: "auction" },
    ]);
    expect(c.matrix.sizes).toEqual([{ multiplier: 1, minNumberVms: 1, maxNumberVms: 10_000 }]);
    expect(c.matrix.repetitions).toBe(1);
    expect(c.matrix.variations).toHaveLength(1);
    const [base] = c.matrix.variations;
    expect(base).toMatchObject({
      name: "base",
      file: null,
      pacing: { warmupS: 60, waitTimeS: 140, runTimeoutS: 1720 },
    });
    expect(base!.workload).toEqual({
      experimentDurationS: 600,
      durationMultiplier: 3_000_000,
      arrivalRequestMultiplier: 40_000,
      coldStartOverheadMs: 1000,
      stopOverheadMs: 120_000,
      minDurationMs: 200_000,
      latencyClassesMs: {
        NO_LATENCY: 1000,
        SUPER_NO_LATENCY: 10_000,
        HIGH_LATENCY: 75,
        HIGHER_LATENCY: 200,
        LOW_LATENCY: 50,
      },
      pipelines: [
        { name: "image-classification", chainsPerIotNode: 1 },
        { name: "audio-sentiment", chainsPerIotNode: 1 },
      ],
      latencyLaw: "half-normal-head",
      gammaParameterisation: "rate",
      variant: "head",
      executionScale: 0.1,
    });
    expect(c.topology).toEqual({ kind: "preset", preset: "current" });
    expect(c.latencyModel).toBe("tcp");
    expect(c.randomSeed).toBe("giraff");
    expect(c.deployment).toEqual({
      provider: "local",
      cluster: "gros",
      nbInParallel: 1,
      walltime: { text: "10:00:00", seconds: 36_000 },
      doNotExecuteIfEndingAfter: null,
      allowDayJobs: false,
    });
    expect(c.warnings).toEqual([]);
  });

  it("treats an empty scalar as unset", async () => {
    const c = await load({ ".env": "EXPERIMENT_DURATION=\nNB_IMAGE_FUNCTIONS=" });
    expect(c.matrix.variations[0]!.workload.experimentDurationS).toBe(600);
  });

  it("selects the workload variant per variation; LATENCY_LAW follows it unless set", async () => {
    const c = await load({
      ".env": 'ENV_VARIATIONS=".env.paper .env.law"\nEXECUTION_SCALE=0.25',
      ".env.paper": "WORKLOAD_VARIANT=paper",
      ".env.law": "WORKLOAD_VARIANT=paper\nLATENCY_LAW=half-normal-head",
    });
    const [paper, law] = c.matrix.variations;
    expect(paper!.workload).toMatchObject({ variant: "paper", latencyLaw: "half-normal-paper", executionScale: 0.25 });
    expect(law!.workload).toMatchObject({ variant: "paper", latencyLaw: "half-normal-head" });
    await expect(load({ ".env": "WORKLOAD_VARIANT=thesis" })).rejects.toThrow(/`WORKLOAD_VARIANT`.*head.*paper/);
    // unset, the busy-spin scale follows the provider: a tenth on this machine, full time on Grid'5000's VMs
    const g5k = await load({ ".env": 'PROVIDER="grid5000"' });
    expect(g5k.matrix.variations[0]!.workload.executionScale).toBe(1);
  });

  it("parses our strategy entries with valuation and reduction", async () => {
    const c = await load({ ".env": 'STRATEGIES="auction auction:reduction edge-first:linear mincpurandom"' });
    expect(c.matrix.strategies.map((s) => [s.label, s.valuation, s.reduction, s.marketRule])).toEqual([
      ["auction", "quadratic", false, "second-price"],
      ["auction:reduction", "quadratic", true, "second-price"],
      ["edge-first:linear", "linear", false, "second-price"],
      ["mincpurandom", "cpu-utilisation", false, "mincpurandom"],
    ]);
  });

  it("applies variation files over the .env, one variation each", async () => {
    const c = await load({
      ".env": 'ENV_VARIATIONS=".env.1 .env.3"\nNB_IMAGE_FUNCTIONS=2\nEXPERIMENT_DURATION=100\nWARMUP_TIME=5',
      ".env.1": "NB_AUDIO_FUNCTIONS=0",
      ".env.3": "NB_IMAGE_FUNCTIONS=3\nEXPERIMENT_DURATION=200",
    });
    expect(c.matrix.variations.map((v) => [v.name, v.workload.experimentDurationS, v.workload.pipelines])).toEqual([
      [
        ".env.1",
        100,
        [
          { name: "image-classification", chainsPerIotNode: 2 },
          { name: "audio-sentiment", chainsPerIotNode: 0 },
        ],
      ],
      [
        ".env.3",
        200,
        [
          { name: "image-classification", chainsPerIotNode: 3 },
          { name: "audio-sentiment", chainsPerIotNode: 1 },
        ],
      ],
    ]);
  });

  it("reads a fixed topology file, keyed by its content", async () => {
    const { readFileSync } = await import("node:fs");
    const dev = readFileSync(new URL("../../../experiments/topologies/dev.json", import.meta.url), "utf8");
    const c = await load({ ".env": 'TOPOLOGY="net/dev.json"', "net/dev.json": dev });
    expect(c.topology).toMatchObject({ kind: "file", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("reads the day/night guard", async () => {
    const c = await load({
      ".env": 'DO_NOT_EXECUTE_IF_ENDING_AFTER="tomorrow"\nDO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR="1000"',
    });
    expect(c.deployment.doNotExecuteIfEndingAfter).toEqual({ day: "tomorrow", hour: 10, minute: 0 });
  });

  it("reads G5K_ALLOW_DAY_JOBS (Grid'5000's day rule, plan/policy.ts) as true or false, and names a bad value", async () => {
    expect((await load({ ".env": 'G5K_ALLOW_DAY_JOBS="true"' })).deployment.allowDayJobs).toBe(true);
    expect((await load({ ".env": "" })).deployment.allowDayJobs).toBe(false);
    await expect(load({ ".env": "G5K_ALLOW_DAY_JOBS=yes" })).rejects.toThrow(
      /`G5K_ALLOW_DAY_JOBS`.*true or false.*yes/,
    );
  });

  it("warns about unknown and ignored GIRAFF variables instead of failing", async () => {
    const c = await load({ ".env": "VAGRANT=false\nSOMETHING_ELSE=1", ".env.1": "" }, { GIRAFF_NOPE: "1" });
    expect(c.warnings).toEqual([
      {
        file: "x/.env",
        variable: "VAGRANT",
        message: "`VAGRANT` is a GIRAFF variable with no effect in GIRAFF-TS; ignored.",
      },
      { file: "x/.env", variable: "SOMETHING_ELSE", message: "`SOMETHING_ELSE` is not a campaign variable; ignored." },
      { file: "environment", variable: "GIRAFF_NOPE", message: "`GIRAFF_NOPE` is not a campaign variable; ignored." },
    ]);
  });
});

describe("loadCampaign: environment overrides", () => {
  it("accepts only the GIRAFF_ prefix and lets it win over every file", async () => {
    const files = { ".env": 'EXPERIMENT_DURATION=100\nENV_VARIATIONS=".env.1"', ".env.1": "EXPERIMENT_DURATION=200" };
    const plain = await load(files, { EXPERIMENT_DURATION: "5", NB_REPETITIONS: "9" });
    expect(plain.matrix.variations[0]!.workload.experimentDurationS).toBe(200);
    expect(plain.matrix.repetitions).toBe(1);
    const prefixed = await load(files, { GIRAFF_EXPERIMENT_DURATION: "300", GIRAFF_NB_REPETITIONS: "2" });
    expect(prefixed.matrix.variations[0]!.workload.experimentDurationS).toBe(300);
    expect(prefixed.matrix.repetitions).toBe(2);
  });

  it("names the environment variable when its value is bad", async () => {
    await expect(load({ ".env": "" }, { GIRAFF_NB_REPETITIONS: "zero" })).rejects.toThrow(
      'environment: `GIRAFF_NB_REPETITIONS` must be an integer from 1 to 1000 (networks per size), got "zero".',
    );
  });
});
