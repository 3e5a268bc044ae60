/**
 * The overview and the live page say what the campaign's records say. A real campaign (the default campaign,
 * shortened: two strategies, real fog networks) runs through `run-campaign.mjs`; its report's overview must show 0
 * failed runs and the counts the database gives. Then the same batch grows by three runs that end badly, each by
 * the batch runner's own hand: one whose run throws (failed, exit 3), one killed by its time-out (timed out), and
 * one held by a runner process that is then SIGKILLed (running while it lives, half-written after). The live page,
 * open all along, must follow without a reload; the rebuilt overview must list exactly those three, as the joblog
 * (GNU's rule: failed iff Exitval ≠ 0 or Signal ≠ 0) and the directory scan judge them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaNode } from "execa";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, scalar, withConnection } from "../orchestrator/analysis/connection.ts";
import { noopAnalysisEffects } from "../orchestrator/analysis/effects.ts";
import { scanCampaign } from "../orchestrator/analysis/scan-campaign.ts";
import { quietEffects } from "../orchestrator/batch/effects.ts";
import { parseJoblogLine } from "../orchestrator/batch/joblog.ts";
import { runBatch } from "../orchestrator/batch/run-batch.ts";
import { SHORT_DEFAULT_CAMPAIGN, startCampaignCli } from "../orchestrator/campaign/run/testing/campaigns.ts";
import { waitUntil } from "../runtime/testing/wait.ts";
import { isAlive } from "../runtime/util/is-alive.ts";
import { startReportServer } from "./serve.ts";
import { buildReportOffline, CHROMIUM, CHROMIUM_ARGS, requireChromium, runBrowserTests } from "./testing/browser.ts";

const LONG = 300_000;

interface Overview {
  headline: string;
  states: Record<string, number>;
  notSucceeded: { run: string; state: string; exit: string; signal: string }[];
  ingested: string[];
  cells: string[];
}

/** What the overview page states, read from the rendered page, not from its data file. */
async function readOverview(page: Page): Promise<Overview> {
  const headline = await page.locator("main p", { hasText: "runs in its batch" }).innerText();
  const states = Object.fromEntries(
    (
      await page
        .locator("table.run-states tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")))
    ).map(([state, n]) => [state!, Number(n)]),
  );
  const notSucceeded = await page
    .locator("table.failed-runs tbody tr")
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")))
    .then((cells) =>
      cells.map(([run, , state, , exit, signal]) => ({ run: run!, state: state!, exit: exit!, signal: signal! })),
    );
  const ingested = await page.locator("table.ingested-runs tbody tr td:first-child").allTextContents();
  // the cells of "Runs per strategy and network size": Plot's text marks inside that figure
  const cells = await page
    .locator("figure", { hasText: "Runs per strategy and network size" })
    .locator("g[aria-label=text] text")
    .allTextContents();
  return { headline, states, notSucceeded, ingested, cells };
}

/** Run states as the batch runner's files say, independently of the page's code: joblog, batch.json, the scan. */
async function expectedStates(dir: string) {
  const batch = JSON.parse(readFileSync(join(dir, "batch.json"), "utf8")) as { jobs: { seq: number; key: string }[] };
  const keyOf = new Map(batch.jobs.map((j) => [j.seq, j.key]));
  const joblog = readFileSync(join(dir, "joblog"), "utf8").trim().split("\n").slice(1).map(parseJoblogLine);
  const badSeqs = joblog.filter((j) => j !== null && (j.exit !== 0 || j.signal !== 0)).map((j) => j!.seq);
  const skipped = (await scanCampaign(dir, noopAnalysisEffects)).skipped;
  return {
    total: batch.jobs.length,
    succeeded: joblog.filter((j) => j !== null && j.exit === 0 && j.signal === 0).length,
    bad: badSeqs.map((s) => keyOf.get(s)!),
    halfWritten: skipped.filter((s) => s.reason === "half-written").map((s) => s.name.replace(/\.tmp-\d+$/, "")),
  };
}

describe.skipIf(!runBrowserTests)("the overview and the live page of a real campaign", () => {
  let scratch: string;
  let dir: string;
  let context: BrowserContext;
  let server: Awaited<ReturnType<typeof startReportServer>>;
  let live: Page;
  let keys: string[];

  beforeAll(async () => {
    requireChromium();
    scratch = mkdtempSync(join(tmpdir(), "giraff-overview-"));
    dir = join(scratch, "campaign");
    const c = startCampaignCli(["experiments/default", "--out", dir], SHORT_DEFAULT_CAMPAIGN);
    expect(await c.exited, c.err()).toBe(0);
    keys = (JSON.parse(readFileSync(join(dir, "batch.json"), "utf8")) as { jobs: { key: string }[] }).jobs.map(
      (j) => j.key,
    );
    buildReportOffline(dir);
    server = await startReportServer(join(dir, "report"));
    context = await chromium.launchPersistentContext(join(scratch, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
  }, LONG);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it(
    "shows 0 failed runs for a campaign whose runs all succeeded, and the database's counts",
    async () => {
      const page = await context.newPage();
      await page.goto(server.url, { waitUntil: "networkidle" });
      await page.locator("table.run-states").waitFor();
      const shown = await readOverview(page);
      expect(shown.states).toEqual({
        succeeded: 2,
        failed: 0,
        "timed out": 0,
        cancelled: 0,
        running: 0,
        "half-written (killed mid-run)": 0,
        "left to run": 0,
      });
      expect(shown.headline).toMatch(/2 runs in its batch: 2 succeeded, 0 failed, 0 timed out/);
      expect(shown.notSucceeded).toEqual([]);
      expect(await page.locator("h3:has-text('Runs that did not succeed') + div").innerText()).toBe("None.");
      await withConnection(
        join(dir, "campaign.duckdb"),
        async (con) => {
          const ingested = (await rows(con, "SELECT run_key FROM runs ORDER BY run_key")).map((r) => r.run_key);
          expect(shown.ingested).toEqual(ingested);
          const events = Number(await scalar(con, "SELECT sum(events) FROM ingested_runs"));
          expect(shown.headline).toContain(`${events.toLocaleString("en-US")} events ingested`);
          const perCell = await rows(con, "SELECT count(*)::INTEGER AS n FROM runs GROUP BY strategy, nodes");
          expect(shown.cells.map(Number).sort()).toEqual(perCell.map((r) => r.n).sort());
        },
        { readOnly: true },
      );
      await page.close();
    },
    LONG,
  );

  it(
    "follows the batch live: a failed run, a timed-out run, a running run that is then killed mid-run",
    async () => {
      live = await context.newPage();
      await live.goto(new URL("/live", server.url).href);
      const count = (state: string) =>
        live
          .locator(`#legend [data-state=${state}]`)
          .innerText()
          .then((t) => Number(t.split(": ").pop()));
      await waitUntil("the live page to show the campaign", async () => (await count("succeeded")) === 2, {
        timeoutMs: 15_000,
      });

      const jobs = [
        ...keys.map((key) => ({ key, run: () => Promise.reject(new Error(`${key} is finished`)) })),
        {
          key: "failing-run",
          run: () => Promise.reject(Object.assign(new Error("the function image is missing"), { exitCode: 3 })),
        },
      ];
      await runBatch({ jobs, dir, mode: "resume", effects: quietEffects });
      await waitUntil("the live page to show the failed run", async () => (await count("failed")) === 1, {
        timeoutMs: 15_000,
      });

      const slow = {
        key: "slow-run",
        run: ({ signal }: { signal: AbortSignal }) =>
          new Promise((_, fail) => signal.addEventListener("abort", () => fail(signal.reason))),
      };
      await runBatch({ jobs: [...jobs, slow], dir, mode: "resume", timeoutMs: 300, effects: quietEffects });
      await waitUntil("the live page to show the timed-out run", async () => (await count("timed-out")) === 1, {
        timeoutMs: 15_000,
      });

      // node itself runs the holder (tsx as a loader, not its CLI, which would fork), so its pid names the directory
      const holder = execaNode(
        "notebooks/testing/hold-run.ts",
        [dir, ...jobs.map((j) => j.key), slow.key, "killed-run"],
        {
          nodeOptions: ["--import", "tsx"],
          ipc: false,
          cwd: join(import.meta.dirname, ".."),
          stdio: "ignore",
          reject: false,
        },
      );
      const held = join(dir, `killed-run.tmp-${holder.pid}`);
      await waitUntil("the held run's directory", () => existsSync(held), { timeoutMs: 60_000 });
      await waitUntil("the live page to show the running run", async () => (await count("running")) === 1, {
        timeoutMs: 15_000,
      });
      expect(await live.locator("#runs tr[data-key=killed-run]").getAttribute("data-state")).toBe("running");
      holder.kill("SIGKILL");
      await waitUntil("the holder to die", () => !isAlive(holder.pid!), { timeoutMs: 10_000 });
      await waitUntil("the live page to show the half-written run", async () => (await count("half-written")) === 1, {
        timeoutMs: 15_000,
      });
      expect(await count("running")).toBe(0);
      expect(await live.locator("#runs tr[data-key=failing-run] td.error").innerText()).toContain(
        "the function image is missing",
      );
    },
    LONG,
  );

  it(
    "lists exactly the failed, the timed-out and the half-written run on the rebuilt overview",
    async () => {
      const expected = await expectedStates(dir);
      expect(expected.bad).toEqual(["failing-run", "slow-run"]);
      expect(expected.halfWritten).toEqual(["killed-run"]);
      buildReportOffline(dir);
      const page = await context.newPage();
      await page.goto(server.url, { waitUntil: "networkidle" });
      await page.locator("table.failed-runs").waitFor();
      const shown = await readOverview(page);
      expect(shown.states).toMatchObject({
        succeeded: expected.succeeded,
        failed: 1,
        "timed out": 1,
        "half-written (killed mid-run)": 1,
        running: 0,
        "left to run": 0,
      });
      expect(shown.headline).toMatch(
        new RegExp(`${expected.total} runs in its batch: ${expected.succeeded} succeeded, 1 failed, 1 timed out`),
      );
      expect(shown.notSucceeded).toEqual([
        { run: "failing-run", state: "failed", exit: "3", signal: "0" },
        { run: "slow-run", state: "timed out", exit: "-1", signal: "15" },
        { run: "killed-run", state: "half-written (killed mid-run)", exit: "", signal: "" },
      ]);
      const listed = shown.notSucceeded.map((r) => r.run);
      expect(listed.sort()).toEqual([...expected.bad, ...expected.halfWritten].sort());
      // the runs that failed were never ingested: the database still holds the campaign's two
      expect(shown.ingested).toEqual([...keys].sort());
      await page.close();
    },
    LONG,
  );
});
