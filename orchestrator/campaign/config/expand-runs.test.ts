import { fileURLToPath } from "node:url";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { canonicalJson, shortHash } from "./canonical.ts";
import { expandRuns } from "./expand-runs.ts";
import { tempCampaign } from "./testing/temp-campaign.ts";
import { loadCampaign } from "./load-campaign.ts";

const ENV = [
  'STRATEGIES="auction edge-first mincpurandom"',
  'SIZE_MULTIPLIERS="1 2"',
  'MIN_NUMBER_VMS="3 10"',
  'MAX_NUMBER_VMS="20 50"',
  "NB_REPETITIONS=2",
  'ENV_VARIATIONS=".env.1 .env.3"',
].join("\n");
const FILES = { ".env": ENV, ".env.1": "NB_IMAGE_FUNCTIONS=1", ".env.3": "NB_IMAGE_FUNCTIONS=3" };

async function runsOf(files: Record<string, string>) {
  const { folder, cwd } = tempCampaign(files);
  return expandRuns(await loadCampaign(folder, { env: {}, cwd }));
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null }, e: undefined })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(shortHash({ a: 1, b: 2 })).toBe(shortHash({ b: 2, a: 1 }));
    expect(shortHash({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("expandRuns", () => {
  it("crosses sizes × repetitions × variations × strategies with unique keys", async () => {
    const runs = await runsOf(FILES);
    expect(runs).toHaveLength(2 * 2 * 2 * 3);
    expect(new Set(runs.map((r) => r.key)).size).toBe(runs.length);
    expect(new Set(runs.map((r) => r.label)).size).toBe(runs.length);
    expect(runs[0]!.label).toBe("x1-r1-.env.1-auction");
    expect(runs[0]!.key).toBe(shortHash(runs[0]!.params));
  });

  it("shares topology keys across variations and strategies, plan keys across strategies", async () => {
    const runs = await runsOf(FILES);
    const by = (f: (r: (typeof runs)[number]) => string) => new Set(runs.map(f)).size;
    expect(by((r) => r.topologyKey)).toBe(2 * 2);
    expect(by((r) => `${r.size.multiplier}/${r.repetition}/${r.topologyKey}`)).toBe(2 * 2);
    expect(by((r) => r.planKey)).toBe(2 * 2 * 2);
    expect(by((r) => `${r.size.multiplier}/${r.repetition}/${r.variation}/${r.planKey}`)).toBe(2 * 2 * 2);
    for (const run of runs) {
      const sameCell = runs.filter((r) => r.planKey === run.planKey);
      expect(sameCell.map((r) => r.strategy.label)).toEqual(["auction", "edge-first", "mincpurandom"]);
      expect(new Set(sameCell.map((r) => r.seeds.plan)).size).toBe(1);
      expect(new Set(sameCell.map((r) => r.seeds.topology)).size).toBe(1);
    }
  });

  it("gives the same keys on every call and for any order of the strategies", async () => {
    const first = await runsOf(FILES);
    const again = await runsOf(FILES);
    const reordered = await runsOf({
      ...FILES,
      ".env": ENV.replace("auction edge-first mincpurandom", "mincpurandom auction edge-first"),
    });
    const keyOf = (runs: typeof first) =>
      Object.fromEntries(runs.map((r) => [r.label, [r.key, r.topologyKey, r.planKey, r.seeds]]));
    expect(keyOf(again)).toEqual(keyOf(first));
    expect(keyOf(reordered)).toEqual(keyOf(first));
  });

  it("gives the same keys in another process", async () => {
    const { folder } = tempCampaign(FILES);
    const script = fileURLToPath(new URL("./testing/print-keys.ts", import.meta.url));
    const printed = JSON.parse(execaSync(process.execPath, ["--import", "tsx", script, folder]).stdout) as string[][];
    const local = (await runsOf(FILES)).map((r) => [r.label, r.key, r.topologyKey, r.planKey]);
    expect(printed).toEqual(local);
  });

  it("changes the keys with RANDOM_SEED, and only the run key with the strategy's valuation", async () => {
    const base = await runsOf(FILES);
    const seeded = await runsOf({ ...FILES, ".env": `${ENV}\nRANDOM_SEED=other` });
    expect(seeded[0]!.topologyKey).not.toBe(base[0]!.topologyKey);
    const linear = await runsOf({ ...FILES, ".env": `${ENV}\nVALUATION=linear` });
    expect(linear[0]!.planKey).toBe(base[0]!.planKey);
    expect(linear[0]!.key).not.toBe(base[0]!.key);
  });

  it("does not change keys with settings that do not shape results", async () => {
    const base = await runsOf(FILES);
    const other = await runsOf({
      ...FILES,
      ".env": `${ENV}\nNB_IN_PARALLEL=4\nRUN_TIMEOUT=5000\nDEPLOYMENT_WALLTIME=02:00:00`,
    });
    expect(other.map((r) => r.key)).toEqual(base.map((r) => r.key));
  });
});
