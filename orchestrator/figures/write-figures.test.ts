import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noopAnalysisEffects } from "../analysis/effects.ts";
import { ingestCampaign } from "../analysis/ingest.ts";
import { writeFixtureCampaign } from "../analysis/testing/fixtures.ts";
import { recordingIo } from "../../runtime/util/cli.ts";
import { main } from "./cli.ts";
import { FIGURES } from "./figures.ts";
import { SLA_VIOLATION_PANELS } from "./sla-violations/spec.ts";
import { writeFigures } from "./write-figures.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const dir = mkdtempSync(join(tmpdir(), "figures-"));
const campaign = join(dir, "c");

beforeAll(async () => {
  process.env.TZ = "UTC";
  writeFixtureCampaign(campaign);
  // runC: runA's events under another strategy, so the relative figure has a group with two strategies.
  cpSync(join(campaign, "runA"), join(campaign, "runC"), { recursive: true });
  const manifestPath = join(campaign, "runC", "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  manifest.record.runKey = "runC";
  manifest.record.params.strategy.strategy = "edge-first";
  writeFileSync(manifestPath, JSON.stringify(manifest));
  await ingestCampaign(campaign, { effects: noopAnalysisEffects });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFigures on an ingested fixture campaign", () => {
  it("writes every figure as SVG, PNG and JSON next to the data, and returns them", async () => {
    const written = await writeFigures(campaign);
    expect(written.map((w) => w.name)).toEqual(FIGURES.map((f) => f.name));
    for (const w of written) {
      expect(w.svg).toBe(join(campaign, "figures", `${w.name}.svg`));
      expect(readFileSync(w.svg, "utf8")).toMatch(/^<svg /);
      expect(readFileSync(w.png).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      const json = JSON.parse(readFileSync(w.json, "utf8"));
      expect(Object.keys(json)).toEqual(["name", "rows", "spec"]);
    }
    const tmp = written.flatMap((w) => [w.svg, w.png, w.json]).map((p) => `${p}.${process.pid}.tmp`);
    expect(tmp.filter(existsSync)).toEqual([]);
  });

  it("draws the rows of the views (SLA violations of the hand-computed runs, three definitions)", async () => {
    const [w] = await writeFigures(campaign, { only: ["sla-violations"] });
    const { rows } = JSON.parse(readFileSync(w!.json, "utf8"));
    const values = (panel: string) =>
      rows.runs
        .filter((r: { panel: string }) => r.panel === panel)
        .map((r: { run_key: string; value: number }) => [r.run_key, Math.round(r.value * 1e4) / 1e4]);
    // views.test.ts: runA's one chain is violated under every definition, v3 counts 2 of its 6 hops
    expect(values(SLA_VIOLATION_PANELS[0])).toEqual([
      ["runA", 100],
      ["runB", 0],
      ["runC", 100],
    ]);
    expect(values(SLA_VIOLATION_PANELS[2])).toEqual([
      ["runA", 33.3333],
      ["runB", 0],
      ["runC", 33.3333],
    ]);
    expect(rows.summary).toContainEqual(
      expect.objectContaining({ strategy: "auction", nodes: 3, runs: 2, mean: 50, panel: SLA_VIOLATION_PANELS[0] }),
    );
  });

  it("centres the relative comparison on the auction run of the same group", async () => {
    const [w] = await writeFigures(campaign, { only: ["relative-to-giraff"] });
    const { rows } = JSON.parse(readFileSync(w!.json, "utf8"));
    // runA and runC share one network and have identical metrics: SD 0, so every value is 0 σ; runB is alone.
    expect(new Set(rows.runs.map((r: { run_key: string }) => r.run_key))).toEqual(new Set(["runA", "runC"]));
    expect(rows.runs.every((r: { value: number }) => r.value === 0)).toBe(true);
  });

  it("gives the same bytes when written again", async () => {
    const [first] = await writeFigures(campaign, { only: ["jain-index"] });
    const [svg, png] = [readFileSync(first!.svg), readFileSync(first!.png)];
    await writeFigures(campaign, { only: ["jain-index"] });
    expect(readFileSync(first!.svg).equals(svg)).toBe(true);
    expect(readFileSync(first!.png).equals(png)).toBe(true);
  });
});

describe("cli", () => {
  it("exits 2 with a sentence when the campaign was never ingested, creating no database", async () => {
    const io = recordingIo();
    const empty = mkdtempSync(join(dir, "empty-"));
    expect(await main([empty], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/run the ingestion first: npx tsx orchestrator\/analysis\/cli\.ts ingest/);
    expect(existsSync(join(empty, "campaign.duckdb"))).toBe(false);
  });

  it("exits 2 for a missing directory argument or an unknown figure", async () => {
    const io = recordingIo();
    expect(await main([], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/^Expected one campaign directory, got 0\.\n\nUsage: npm run figures/);
    expect(await main([campaign, "--only", "pie"], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/Unknown figure `pie`/);
  });

  it("writes the figures of an ingested campaign", async () => {
    const io = recordingIo();
    expect(await main([campaign, "--only", "latency"], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe("Wrote 1 figure(s).");
  });
});
