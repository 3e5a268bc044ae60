/** GIRAFF's own files (giraff.md §12.3), with `.experiments.env` appended to `.env`, load as campaigns. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandRuns } from "./expand-runs.ts";
import { tempCampaign } from "./testing/temp-campaign.ts";
import { loadCampaign } from "./load-campaign.ts";

/** GIRAFF HEAD's testbed files, verbatim (the `.experiments.env` appended to `.env`), in `fixtures/giraff-testbed/`. */
const TESTBED = fileURLToPath(new URL("./fixtures/giraff-testbed/", import.meta.url));
const HEAD_ENV = readFileSync(`${TESTBED}.env`, "utf8");
const HEAD_VARIATIONS = {
  ".env.1": readFileSync(`${TESTBED}.env.1`, "utf8"),
  ".env.3": readFileSync(`${TESTBED}.env.3`, "utf8"),
};

const PAPER_ENV = `
NO_LATENCY=10000
HIGH_LATENCY=75
HIGHER_LATENCY=1000
LOW_LATENCY=20
DURATION_MULTIPLIER=100000
ARRIVAL_REQUEST_MULTIPLIER=25000
EXPERIMENT_DURATION=600
FUNCTION_COLD_START_OVERHEAD=1000
FUNCTION_STOP_OVERHEAD=60000
FUNCTION_MIN_DURATION=61000
FUNCTION_DESCRIPTIONS="pipelines/image-classification.json5 pipelines/audio-sentiment.json5 pipelines/image-classification-higher.json5 pipelines/audio-sentiment-higher.json5"
FOG_NODE_IMAGE_TAGS="fog_node-edge_first-quadratic_rates-no_complication fog_node-edge_ward-quadratic_rates-no_complication fog_node-auction-quadratic_rates-no_complication fog_node-mincpurandom-quadratic_rates-no_complication fog_node-edge_furthest-quadratic_rates-no_complication"
MARKET_IMAGE_TAGS="market-default_strategy market-default_strategy market-default_strategy market-mincpurandom market-default_strategy"
ENV_VARIATIONS=".env.1"
NB_IN_PARALLEL=3
SIZE_MULTIPLIERS="1"
MIN_NUMBER_VMS="5"
MAX_NUMBER_VMS="15"
`;

async function load(files: Record<string, string>) {
  const { folder, cwd } = tempCampaign(files);
  return loadCampaign(folder, { env: {}, cwd });
}

describe("GIRAFF's configuration files", () => {
  it("HEAD verbatim fails only because giraff_app cannot be reproduced", async () => {
    await expect(load({ ".env": HEAD_ENV, ...HEAD_VARIATIONS })).rejects.toThrow(
      /giraff_app, which cannot be reproduced/,
    );
  });

  it("HEAD with the image pipeline in place of giraff_app loads, with warnings for GIRAFF-only variables", async () => {
    const env = HEAD_ENV.replace("pipelines/giraff_app.json5", "pipelines/image-classification.json5");
    const variations = {
      ".env.1": HEAD_VARIATIONS[".env.1"].replace("NB_IMAGE_FUNCTIONS=0", "NB_IMAGE_FUNCTIONS=1"),
      ".env.3": HEAD_VARIATIONS[".env.3"].replace("NB_IMAGE_FUNCTIONS=0", "NB_IMAGE_FUNCTIONS=3"),
    };
    const c = await load({ ".env": env, ...variations });
    expect(c.matrix.strategies.map((s) => s.label)).toEqual(["auction"]);
    expect(c.matrix.sizes).toEqual([{ multiplier: 4, minNumberVms: 20, maxNumberVms: 70 }]);
    expect(
      c.matrix.variations.map((v) => [
        v.name,
        v.workload.arrivalRequestMultiplier,
        v.workload.pipelines[0]!.chainsPerIotNode,
      ]),
    ).toEqual([
      [".env.1", 15000, 1],
      [".env.3", 15000, 3],
    ]);
    expect(c.deployment.doNotExecuteIfEndingAfter).toEqual({ day: "tomorrow", hour: 10, minute: 0 });
    expect(c.warnings.map((w) => w.variable)).toEqual([
      "VAGRANT",
      "DEV",
      "DEV_NETWORK",
      "PING_REQUEST_TIMEOUT_SEC",
      "ENV_LIVE_VARIATIONS",
      "COMMON_IMAGE_NAME",
      "IMAGE_REGISTRY",
      "MARKET_LOCAL_PORT",
      "IOT_LOCAL_PORT",
      "INFLUX_TOKEN",
      "INFLUX_ORG",
      "INFLUX_BUCKET",
      "INFLUX_ADDRESS",
      "TYPE",
      "MASTER_CLUSTER",
      "MASTER_WALLTIME",
      "JOB_LOG",
      "JOB_DIR",
      "NB_GIRAFF_APP_FUNCTIONS",
      "NB_GIRAFF_APP_FUNCTIONS",
    ]);
    expect(expandRuns(c)).toHaveLength(2);
  });

  it("paper v3.0.0 loads: five strategy pairs, four pipelines, 16 chains per IoT node", async () => {
    const c = await load({ ".env": PAPER_ENV, ".env.1": "NB_IMAGE_FUNCTIONS=4\nNB_AUDIO_FUNCTIONS=4" });
    expect(c.matrix.strategies.map((s) => [s.label, s.marketRule])).toEqual([
      ["edge-first", "second-price"],
      ["edge-ward", "second-price"],
      ["auction", "second-price"],
      ["mincpurandom", "mincpurandom"],
      ["edge-furthest", "second-price"],
    ]);
    const workload = c.matrix.variations[0]!.workload;
    expect(workload.pipelines.reduce((n, p) => n + p.chainsPerIotNode, 0)).toBe(16);
    expect(workload.latencyClassesMs).toMatchObject({
      NO_LATENCY: 10000,
      HIGH_LATENCY: 75,
      HIGHER_LATENCY: 1000,
      LOW_LATENCY: 20,
    });
    expect(c.warnings).toEqual([]);
  });

  it("maps the reduction complication and linear rates of image tags", async () => {
    const c = await load({
      ".env":
        'FOG_NODE_IMAGE_TAGS="fog_node-auction-linear_rates-reduction fog_node-auction_reduction-quadratic_rates-no_complication fog_node-maxcpu-quadratic_rates-no_complication"\nMARKET_IMAGE_TAGS="market-default_strategy market-default_strategy market-random"',
    });
    expect(c.matrix.strategies.map((s) => [s.strategy, s.valuation, s.reduction, s.marketRule])).toEqual([
      ["auction", "linear", true, "second-price"],
      ["auction", "quadratic", true, "second-price"],
      ["max-cpu", "cpu-utilisation", false, "random"],
    ]);
  });
});
