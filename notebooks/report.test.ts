/**
 * The report end to end: a small campaign (the analysis fixture plus one run of another strategy, an invalid line
 * and a half-written run) is ingested, built once with notebooks/build.ts (in an empty network namespace when this
 * machine allows one, so any request outside would fail the build), served on 127.0.0.1, and every page is opened
 * in real headless Chromium: each must draw its charts, show no error cell, and request nothing but localhost.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noopAnalysisEffects } from "../orchestrator/analysis/effects.ts";
import { ingestCampaign } from "../orchestrator/analysis/ingest.ts";
import { writeFixtureCampaign, writeRun, F1 } from "../orchestrator/analysis/testing/fixtures.ts";
import { PNG } from "pngjs";
import { takeScreenshots, SCREENSHOT_PAGES } from "./screenshots.ts";
import { startReportServer } from "./serve.ts";
import { buildReportOffline, CHROMIUM, CHROMIUM_ARGS, requireChromium, runBrowserTests } from "./testing/browser.ts";

const CHARTS = "figure svg, svg[class*=plot]";

/** Pages and the charts each draws on the fixture campaign. */
const PAGES = [
  { path: "/", charts: 3 },
  { path: "/strategies", charts: 7 },
  { path: "/run", charts: 4 },
  // runC held no auction: the timeline and the bids say so in a sentence instead of a chart.
  { path: "/run?run=runC", charts: 2 },
];

function writeTestCampaign(dir: string): void {
  writeFixtureCampaign(dir);
  // Another strategy on the network of runA (same size, repetition, variation), so "relative to GIRAFF" has a group.
  const params = { strategy: { strategy: "edge-first", valuation: "quadratic", marketRule: "second-price" }, size: 1 };
  writeRun(
    dir,
    "runC",
    { ...params, repetition: 1, variation: "base" },
    {
      market: [
        { t: 10, kind: "sla_submitted", slaId: "s7", functionName: F1, targetNode: "n1", memoryBytes: 64 * 2 ** 20,
          cpuMilli: 100, latencyMaxMs: 50, durationMs: 60000, inputMaxSizeBytes: 1500, replicas: 1 }, // prettier-ignore
      ],
      iot: [
        { kind: "proxy_hop", reqId: "r7", slaId: "s7", tags: "", firstHop: true, receivedAt: 100, respondedAt: 200,
          serviceStatus: 200, status: 200 }, // prettier-ignore
        { kind: "proxy_hop", reqId: "r7", slaId: "s7", tags: "", firstHop: false, receivedAt: 160, respondedAt: 180,
          serviceStatus: 200, status: 200 }, // prettier-ignore
      ],
    },
  );
  appendFileSync(join(dir, "runC", "events", "iot.jsonl"), "not json\n");
  mkdirSync(join(dir, "runD.tmp-4242"));
}

describe.skipIf(!runBrowserTests)("the report of a fixture campaign in headless Chromium", () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startReportServer>>;
  let context: BrowserContext;
  let profile: string;
  let isolated: boolean;

  beforeAll(async () => {
    requireChromium();
    dir = mkdtempSync(join(tmpdir(), "giraff-report-"));
    writeTestCampaign(dir);
    await ingestCampaign(dir, { effects: noopAnalysisEffects });
    ({ isolated } = buildReportOffline(dir));
    console.log(`report built ${isolated ? "in an empty network namespace (no network at all)" : "with the network"}`);
    server = await startReportServer(join(dir, "report"));
    profile = mkdtempSync(join(tmpdir(), "giraff-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the site into <campaignDir>/report and nothing half-done next to it", () => {
    expect(readdirSync(join(dir, "report")).sort()).toEqual(
      expect.arrayContaining(["index.html", "run.html", "strategies.html"]),
    );
    expect(readdirSync(dir).filter((n) => n.startsWith("report."))).toEqual([]);
  });

  it.each(PAGES)("renders $path: charts, no error cell, no request outside localhost", async ({ path, charts }) => {
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => problems.push(e.message));
    // Plot reports bad channels (NaN paths, implicit z of high cardinality) on the console, not as error cells.
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    try {
      await page.goto(new URL(path, server.url).href, { waitUntil: "networkidle" });
      await page.waitForSelector(CHARTS, { timeout: 15_000 });
      // One <figure> per chart, its plot the figure's direct <svg> (swatches are nested deeper; a ramp legend is not).
      await expect
        .poll(() => page.locator("figure > svg:not([class*=ramp])").count(), { timeout: 10_000 })
        .toBe(charts);
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(problems).toEqual([]);
      expect(requests.length).toBeGreaterThan(0);
      const outside = requests.filter((u) => new URL(u).hostname !== "127.0.0.1");
      expect(outside).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows the run picked in the <select>", async () => {
    const page = await context.newPage();
    try {
      await page.goto(new URL("/run", server.url).href, { waitUntil: "networkidle" });
      expect(await page.locator("select[name=run] option").allTextContents()).toHaveLength(3);
      await page.selectOption("select[name=run]", "runB");
      await page.getByText("Run runB: strategy auction").waitFor({ timeout: 10_000 });
    } finally {
      await page.close();
    }
  });

  it("reports the data quality on the overview", async () => {
    const page = await context.newPage();
    try {
      await page.goto(server.url, { waitUntil: "networkidle" });
      const text = await page.locator("main").innerText();
      expect(text).toContain("runD.tmp-4242");
      expect(text).toMatch(/1\s+invalid lines/);
    } finally {
      await page.close();
    }
  });

  it("takes a full-page screenshot of every page (screenshots.ts, as npm run report:screenshots does)", async () => {
    const out = join(dir, "screenshots");
    const lines: string[] = [];
    const written = await takeScreenshots(dir, { out, width: 1400 }, { out: (l) => lines.push(l), err: () => {} });
    expect(written).toEqual(SCREENSHOT_PAGES.map((p) => join(out, `${p.name}.png`)));
    for (const file of written) {
      const png = PNG.sync.read(readFileSync(file));
      expect(png.width, file).toBe(1400);
      expect(png.height, file).toBeGreaterThan(400);
    }
  }, 120_000);
});
