import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CampaignConfigError } from "./errors.ts";
import { tempCampaign } from "./testing/temp-campaign.ts";
import { loadCampaign } from "./load-campaign.ts";

async function failure(files: Record<string, string>, env: Record<string, string> = {}): Promise<CampaignConfigError> {
  const { folder, cwd } = tempCampaign(files);
  try {
    await loadCampaign(folder, { env, cwd });
  } catch (e) {
    expect(e).toBeInstanceOf(CampaignConfigError);
    return e as CampaignConfigError;
  }
  throw new Error("expected loadCampaign to fail");
}

// prettier-ignore
const CASES: [string, Record<string, string>, Partial<CampaignConfigError>, string][] = [
  ["a list of integers with a word",
    { ".env": 'SIZE_MULTIPLIERS="1 two"' },
    { file: "x/.env", variable: "SIZE_MULTIPLIERS", value: "1 two", rule: "a space-separated list of integers from 1 to 8 (size multipliers)" },
    'x/.env: `SIZE_MULTIPLIERS` must be a space-separated list of integers from 1 to 8 (size multipliers), got "1 two".'],
  ["a zero count",
    { ".env": "NB_REPETITIONS=0" },
    { variable: "NB_REPETITIONS", value: "0" },
    'x/.env: `NB_REPETITIONS` must be an integer from 1 to 1000 (networks per size), got "0".'],
  ["a bad walltime",
    { ".env": "DEPLOYMENT_WALLTIME=10h" },
    { variable: "DEPLOYMENT_WALLTIME" },
    'x/.env: `DEPLOYMENT_WALLTIME` must be a duration HH:MM:SS such as `10:00:00`, got "10h".'],
  ["an unknown provider",
    { ".env": "PROVIDER=aws" },
    { variable: "PROVIDER" },
    'x/.env: `PROVIDER` must be one of local, grid5000, got "aws".'],
  ["zipped lists of different lengths",
    { ".env": 'SIZE_MULTIPLIERS="1 4"\nMIN_NUMBER_VMS="3"\nMAX_NUMBER_VMS="15 700"' },
    { variable: "MIN_NUMBER_VMS", value: "3" },
    'x/.env: `MIN_NUMBER_VMS` must be a list as long as `SIZE_MULTIPLIERS` (2 numbers), since the two are zipped by position, got "3".'],
  ["MIN above MAX",
    { ".env": 'SIZE_MULTIPLIERS="1 4"\nMIN_NUMBER_VMS="3 800"\nMAX_NUMBER_VMS="15 700"' },
    { variable: "MIN_NUMBER_VMS" },
    "x/.env: `MIN_NUMBER_VMS` (800 at position 2) must be at most `MAX_NUMBER_VMS` (700 at position 2)."],
  ["a warm-up as long as the experiment",
    { ".env": "WARMUP_TIME=30\nEXPERIMENT_DURATION=30" },
    { variable: "WARMUP_TIME", value: "30" },
    "x/.env: `WARMUP_TIME` (30) must be shorter than `EXPERIMENT_DURATION` (30)."],
  ["a warm-up broken by a variation's duration",
    { ".env": 'ENV_VARIATIONS=".env.1"\nWARMUP_TIME=30', ".env.1": "EXPERIMENT_DURATION=20" },
    { file: "x/.env", variable: "WARMUP_TIME" },
    "x/.env: `WARMUP_TIME` (30) must be shorter than `EXPERIMENT_DURATION` (20, from x/.env.1)."],
  ["a stop overhead longer than the minimum duration",
    { ".env": "FUNCTION_STOP_OVERHEAD=300000" },
    { variable: "FUNCTION_STOP_OVERHEAD" },
    "x/.env: `FUNCTION_STOP_OVERHEAD` (300000) must be shorter than `FUNCTION_MIN_DURATION` (200000, the default)."],
  ["an unknown strategy",
    { ".env": 'STRATEGIES="auction edge_first"' },
    { variable: "STRATEGIES", value: "edge_first" },
    'x/.env: `STRATEGIES` names an unknown strategy "edge_first"; the known strategies are auction, edge-first, edge-furthest, edge-ward, mincpurandom, max-cpu, cloud-only.'],
  ["a valuation forced on mincpurandom",
    { ".env": 'STRATEGIES="mincpurandom:linear"' },
    { variable: "STRATEGIES" },
    'x/.env: `STRATEGIES` entry "mincpurandom:linear" must be used without a valuation: mincpurandom always bids with cpu-utilisation.'],
  ["a repeated strategy",
    { ".env": 'STRATEGIES="auction edge-ward auction"' },
    { variable: "STRATEGIES" },
    "x/.env: `STRATEGIES` lists auction twice; each strategy runs once per matrix cell."],
  ["an empty strategy list",
    { ".env": 'STRATEGIES=""' },
    { variable: "STRATEGIES", value: "" },
    "x/.env: `STRATEGIES` is empty, so the run matrix is empty; name at least one strategy among auction, edge-first, edge-furthest, edge-ward, mincpurandom, max-cpu, cloud-only."],
  ["an empty size list",
    { ".env": 'SIZE_MULTIPLIERS=""' },
    { variable: "SIZE_MULTIPLIERS" },
    "x/.env: `SIZE_MULTIPLIERS` is empty, so the run matrix is empty; give at least one size multiplier."],
  ["an unreadable variation file",
    { ".env": 'ENV_VARIATIONS=".env.1 .env.2"', ".env.1": "" },
    { variable: "ENV_VARIATIONS", value: ".env.1 .env.2" },
    "x/.env: `ENV_VARIATIONS` lists .env.2, but x/.env.2 cannot be read."],
  ["a matrix variable in a variation file",
    { ".env": 'ENV_VARIATIONS=".env.1"', ".env.1": "SIZE_MULTIPLIERS=2" },
    { file: "x/.env.1", variable: "SIZE_MULTIPLIERS" },
    'x/.env.1: `SIZE_MULTIPLIERS` must be set in the campaign\'s .env only, since it shapes the run matrix or the deployment, got "2".'],
  ["two variations with the same settings",
    { ".env": 'ENV_VARIATIONS=".env.1 .env.2"', ".env.1": "NB_IMAGE_FUNCTIONS=2", ".env.2": "NB_IMAGE_FUNCTIONS=2" },
    { variable: "ENV_VARIATIONS" },
    "x/.env: the variations .env.1 and .env.2 resolve to the same settings, so their runs would share run keys."],
  ["strategies named two ways",
    { ".env": 'STRATEGIES="auction"\nFOG_NODE_IMAGE_TAGS="fog_node-auction-quadratic_rates-no_complication"\nMARKET_IMAGE_TAGS="market-default_strategy"' },
    { variable: "FOG_NODE_IMAGE_TAGS" },
    "x/.env: set either `STRATEGIES` or `FOG_NODE_IMAGE_TAGS` with `MARKET_IMAGE_TAGS`, not both."],
  ["image tag lists of different lengths",
    { ".env": 'FOG_NODE_IMAGE_TAGS="fog_node-auction-quadratic_rates-no_complication fog_node-edge_first-linear_rates-no_complication"\nMARKET_IMAGE_TAGS="market-default_strategy"' },
    { variable: "FOG_NODE_IMAGE_TAGS" },
    "since the two are zipped by position"],
  ["an unknown GIRAFF strategy feature",
    { ".env": 'FOG_NODE_IMAGE_TAGS="fog_node-edge_ward_v3-linear_rates-no_complication"\nMARKET_IMAGE_TAGS="market-default_strategy"' },
    { variable: "FOG_NODE_IMAGE_TAGS", value: "fog_node-edge_ward_v3-linear_rates-no_complication" },
    "with <strategy> among auction, auction_reduction, edge_first, edge_furthest, edge_ward, mincpurandom, maxcpu, cloud_only"],
  ["a market tag that does not match the strategy",
    { ".env": 'FOG_NODE_IMAGE_TAGS="fog_node-mincpurandom-quadratic_rates-no_complication"\nMARKET_IMAGE_TAGS="market-default_strategy"' },
    { variable: "MARKET_IMAGE_TAGS", value: "market-default_strategy" },
    'x/.env: `MARKET_IMAGE_TAGS` must be the market GIRAFF pairs with fog_node-mincpurandom-quadratic_rates-no_complication, i.e. market-mincpurandom, got "market-default_strategy".'],
  ["the giraff_app pipeline",
    { ".env": 'FUNCTION_DESCRIPTIONS="pipelines/giraff_app.json5"' },
    { variable: "FUNCTION_DESCRIPTIONS" },
    "x/.env: `FUNCTION_DESCRIPTIONS` names GIRAFF's giraff_app, which cannot be reproduced"],
  ["an unknown pipeline",
    { ".env": 'PIPELINES="video"' },
    { variable: "PIPELINES", value: "video" },
    'x/.env: `PIPELINES` must be a space-separated list of pipelines among image-classification, image-classification-higher, audio-sentiment, audio-sentiment-higher, got "video".'],
  ["a workload without chains",
    { ".env": "NB_IMAGE_FUNCTIONS=0\nNB_AUDIO_FUNCTIONS=0" },
    { variable: "NB_IMAGE_FUNCTIONS" },
    "x/.env: `NB_IMAGE_FUNCTIONS` and `NB_AUDIO_FUNCTIONS` give 0 chains for every pipeline of `PIPELINES` (image-classification audio-sentiment), so the plan would be empty."],
  ["a run timeout shorter than the run",
    { ".env": "RUN_TIMEOUT=100" },
    { variable: "RUN_TIMEOUT" },
    'x/.env: `RUN_TIMEOUT` must be longer than `WARMUP_TIME` + `EXPERIMENT_DURATION` + `WAIT_TIME` (800 s), got "100".'],
  ["an hour without a day",
    { ".env": "DO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR=1000" },
    { variable: "DO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR" },
    'x/.env: `DO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR` must be set together with `DO_NOT_EXECUTE_IF_ENDING_AFTER` (the day it applies to), got "1000".'],
  ["a missing topology file",
    { ".env": "TOPOLOGY=nets/none.json" },
    { variable: "TOPOLOGY" },
    'x/.env: `TOPOLOGY` names "nets/none.json", which cannot be read (ENOENT).'],
  ["an unknown topology preset",
    { ".env": "TOPOLOGY=huge" },
    { variable: "TOPOLOGY" },
    'x/.env: `TOPOLOGY` must be one of current, paper, or the path of a readable .json topology file, got "huge".'],
  ["a dotenv syntax error",
    { ".env": "A=1\nnot dotenv" },
    { file: "x/.env" },
    "x/.env: line 2 (not): expected KEY=value (a dotenv file (KEY=value lines, # comments))."],
];

describe("loadCampaign: errors name the file, the variable, the value and the rule", () => {
  it.each(CASES)("%s", async (_title, files, fields, message) => {
    const error = await failure(files);
    expect(error.exitCode).toBe(2);
    expect(error).toMatchObject(fields);
    expect(error.field).toBe(error.variable ?? "");
    if (message.startsWith("x/")) expect(error.message.startsWith(message)).toBe(true);
    else expect(error.message).toContain(message);
  });

  it.each([
    ["a colon instead of =", "G5K_PASSWORD: hunter2-colon", "line 2 (G5K_PASSWORD): expected KEY=value"],
    ["text after the closing quote", 'G5K_PASSWORD="hunter2-a"hunter2-x', "line 2 (G5K_PASSWORD): unexpected text"],
  ])(
    "prints the file, the line and the variable of a syntax error, never its value (%s)",
    async (_title, line, reason) => {
      const error = await failure({ ".env": `NB_REPETITIONS=1\n${line}\n` });
      expect(error.message).toContain(reason);
      expect(error.message).toMatch(/^x\/\.env: line 2 \(G5K_PASSWORD\): /);
      const printed = [error.message, String(error.cause), JSON.stringify(error)].join("\n");
      expect(printed).not.toContain("hunter2");
    },
  );

  it("says when the campaign folder does not exist", async () => {
    const { cwd } = tempCampaign({ ".env": "" });
    const error = await loadCampaign(join(cwd, "nope"), { env: {}, cwd }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CampaignConfigError);
    expect((error as CampaignConfigError).message).toBe("nope: the campaign folder does not exist.");
    expect((error as CampaignConfigError).exitCode).toBe(2);
  });

  it("says when the folder has no .env", async () => {
    const error = await failure({ "README.md": "" });
    expect(error.message).toBe("x/.env: the campaign has no readable .env file.");
  });
});
