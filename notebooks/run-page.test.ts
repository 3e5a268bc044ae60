/**
 * The run page against the database: the analysis fixture's small runs and a run on a 663-node topology drawn by the
 * repository's generator (testing/run-fixtures.ts) are ingested, the report is built once with notebooks/build.ts (in
 * an empty network namespace when this machine allows one), served on 127.0.0.1, and /run is read in real headless
 * Chromium. Every number the page states (the run's counts, the tables per SLA, the tree's counts, each tree label's
 * functions placed, the table of placements) must be what the same SQL gives on campaign.duckdb; and at 1 400 and
 * 800 px no label may be cut by its chart or overlap another.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { rows, withConnection, type Row } from "../orchestrator/analysis/connection.ts";
import { noopAnalysisEffects } from "../orchestrator/analysis/effects.ts";
import { ingestCampaign } from "../orchestrator/analysis/ingest.ts";
import { writeFixtureCampaign } from "../orchestrator/analysis/testing/fixtures.ts";
import { runBrowserTests, useReportInBrowser } from "./testing/browser.ts";
import { LARGE_NODES, LARGE_RUN, writeLargeTopologyRun } from "./testing/run-fixtures.ts";

const RUNS = ["runA", "runB", LARGE_RUN];

/** The page shows integers whole and other numbers to three significant digits. */
function expectShown(text: string, value: unknown): void {
  if (value === null || value === undefined) {
    expect(text).toBe("–");
    return;
  }
  const v = Number(value);
  expect(Math.abs(Number(text) - v)).toBeLessThanOrEqual(Math.abs(v) * 5e-3 + 1e-9);
}

describe.skipIf(!runBrowserTests)("the run page of a fixture campaign in headless Chromium", () => {
  const report = useReportInBrowser("run-page", async (dir) => {
    writeFixtureCampaign(dir);
    writeLargeTopologyRun(dir);
    await ingestCampaign(dir, { effects: noopAnalysisEffects });
  });

  /** The same SQL, run directly on the campaign's database. */
  const query = (sql: string): Promise<Row[]> =>
    withConnection(join(report.dir, "campaign.duckdb"), (con) => rows(con, sql), { readOnly: true });

  /** Opens /run?run=<run> in a window `width` px wide; fails on any page error, console error or warning. */
  const open = (run: string, width: number, use: (page: Page) => Promise<void>) =>
    report.open(
      `/run?run=${run}`,
      width,
      // The tree is the page's last chart to depend on the picked run's topology: drawn, the page is complete.
      (page) => page.getByRole("heading", { name: "Functions placed per fog node" }).waitFor({ timeout: 15_000 }),
      use,
    );

  const stat = (page: Page, name: string) => page.locator(`[data-stat="${name}"]`).innerText({ timeout: 5_000 });

  it("uses a topology of 663 nodes drawn by the topology planner", async () => {
    const [r] = await query(
      `SELECT count(*) AS n, count(DISTINCT level) AS levels FROM topologies WHERE run_key = '${LARGE_RUN}'`,
    );
    expect(Number(r!.n)).toBe(LARGE_NODES);
    expect(Number(r!.levels)).toBe(5);
  });

  it.each(RUNS)(
    "states the counts of %s as auction_result, bid, topologies and hop_in_flight give them",
    async (run) => {
      const [a] = await query(`SELECT count(*) AS auctions, count(*) FILTER (outcome = 'awarded') AS awarded,
        count(*) FILTER (outcome = 'refused') AS refused, coalesce(sum(len(bids)), 0) AS bids_received
      FROM auction_result WHERE run_key = '${run}'`);
      const [b] = await query(`SELECT count(*) AS bids_sent FROM bid WHERE run_key = '${run}'`);
      const [t] = await query(
        `SELECT count(*) AS nodes, count(DISTINCT level) AS levels FROM topologies WHERE run_key = '${run}'`,
      );
      const [p] = await query(`SELECT count(t.node_id) AS placed, count(*) - count(t.node_id) AS outside
      FROM auction_result a LEFT JOIN topologies t ON t.run_key = a.run_key AND t.node_id = a.winner
      WHERE a.run_key = '${run}' AND a.outcome = 'awarded'`);
      const [h] = await query(
        `SELECT count(*) AS hops FROM hop_in_flight WHERE run_key = '${run}' AND in_flight_ms IS NOT NULL`,
      );
      const [placedOn] = await query(`SELECT count(DISTINCT a.winner) AS n FROM auction_result a
      JOIN topologies t ON t.run_key = a.run_key AND t.node_id = a.winner
      WHERE a.run_key = '${run}' AND a.outcome = 'awarded'`);
      expect(Number(a!.auctions)).toBeGreaterThan(0);
      await open(run, 1400, async (page) => {
        expect(await stat(page, "auctions")).toBe(String(a!.auctions));
        expect(await stat(page, "awarded")).toBe(String(a!.awarded));
        expect(await stat(page, "refused")).toBe(String(a!.refused));
        expect(await stat(page, "bids_sent")).toBe(String(b!.bids_sent));
        expect(await stat(page, "bids_received")).toBe(String(a!.bids_received));
        expect(await stat(page, "topology_nodes")).toBe(String(t!.nodes));
        expect(await stat(page, "placed")).toBe(String(p!.placed));
        expect(await page.locator('[data-stat="placed_outside"]').count()).toBe(Number(p!.outside) > 0 ? 1 : 0);
        expect(await stat(page, "hops")).toBe(String(h!.hops));
        // What the tree section says.
        expect(await stat(page, "tree_nodes")).toBe(String(t!.nodes));
        expect(await stat(page, "tree_levels")).toBe(String(t!.levels));
        expect(await stat(page, "tree_placed")).toBe(String(p!.placed));
        expect(await stat(page, "tree_placed_on")).toBe(String(placedOn!.n));
      });
    },
  );

  it.each([LARGE_RUN, "runA"])(
    "gives each auction of %s the outcome, duration, bids, winner and price of the SQL",
    async (run) => {
      const expected =
        await query(`WITH b AS (SELECT sla_id, count(*) AS bids_sent FROM bid WHERE run_key = '${run}' GROUP BY ALL)
      SELECT a.sla_id, a.outcome, a.reason, a.duration_ms, coalesce(b.bids_sent, 0) AS bids_sent,
        coalesce(len(a.bids), 0) AS bids_received, coalesce(w.name, a.winner) AS winner, a.winning_bid, a.price
      FROM auction_result a LEFT JOIN b USING (sla_id)
        LEFT JOIN topologies w ON w.run_key = a.run_key AND w.node_id = a.winner
      WHERE a.run_key = '${run}' ORDER BY a.started_at, a.sla_id`);
      await open(run, 1400, async (page) => {
        const shown = page.locator("table.run-auctions tbody tr");
        expect(await shown.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-sla")))).toEqual(
          expected.map((r) => r.sla_id),
        );
        for (const r of expected) {
          const row = page.locator(`table.run-auctions tr[data-sla="${String(r.sla_id)}"]`);
          const cell = (c: string) => row.locator(`td.${c}`).innerText();
          expect(await cell("outcome")).toBe(r.reason ? `${String(r.outcome)} (${String(r.reason)})` : r.outcome);
          expectShown(await cell("duration"), r.duration_ms);
          expectShown(await cell("bids-sent"), r.bids_sent);
          expectShown(await cell("bids-received"), r.bids_received);
          expect(await cell("winner")).toBe(r.winner ?? "–");
          expectShown(await cell("winning-bid"), r.winning_bid);
          expectShown(await cell("price"), r.price);
          // The short name on the row, with the full id in its tooltip.
          expect(await row.locator("td.sla").getAttribute("title")).toContain(String(r.sla_id));
        }
      });
    },
  );

  it.each([LARGE_RUN, "runA"])(
    "gives each SLA and hop position of %s the in-flight statistics of hop_in_flight",
    async (run) => {
      const expected = await query(`SELECT sla_id, position, count(*) AS hops, avg(in_flight_ms) AS mean_ms,
        quantile_cont(in_flight_ms, 0.5) AS p50_ms, quantile_cont(in_flight_ms, 0.95) AS p95_ms,
        max(in_flight_ms) AS max_ms, any_value(latency_max_ms) AS bound,
        avg(CASE WHEN acceptable THEN 1 ELSE 0 END) * 100 AS acceptable_pct
      FROM hop_in_flight WHERE run_key = '${run}' AND in_flight_ms IS NOT NULL GROUP BY ALL`);
      expect(expected.length).toBeGreaterThan(0);
      await open(run, 1400, async (page) => {
        expect(await page.locator("table.run-hops tbody tr").count()).toBe(expected.length);
        for (const r of expected) {
          const row = page.locator(
            `table.run-hops tr[data-sla="${String(r.sla_id)}"][data-position="${String(r.position)}"]`,
          );
          const cell = (c: string) => row.locator(`td.${c}`).innerText();
          expectShown(await cell("hops"), r.hops);
          expectShown(await cell("mean"), r.mean_ms);
          expectShown(await cell("p50"), r.p50_ms);
          expectShown(await cell("p95"), r.p95_ms);
          expectShown(await cell("max"), r.max_ms);
          expectShown(await cell("bound"), r.bound);
          expectShown(await cell("acceptable"), r.acceptable_pct);
        }
      });
    },
  );

  it.each([LARGE_RUN, "runA"])("labels every node %s's tree draws with the functions placed on it", async (run) => {
    const placed = await query(`SELECT t.name, t.parent, t.level, count(a.sla_id) AS placements,
        NOT EXISTS (SELECT 1 FROM topologies c WHERE c.run_key = t.run_key AND c.parent = t.node_id) AS leaf
      FROM topologies t LEFT JOIN auction_result a
        ON a.run_key = t.run_key AND a.winner = t.node_id AND a.outcome = 'awarded'
      WHERE t.run_key = '${run}' GROUP BY ALL`);
    await open(run, 1400, async (page) => {
      const tree = page.locator("figure", { hasText: "Functions placed per fog node" }).locator("svg").first();
      const labels = await tree
        .locator("text[aria-label]")
        .evaluateAll((ts) => ts.map((t) => t.getAttribute("aria-label")!));
      // Every disc has its label.
      expect(labels.length).toBe(await tree.locator("g[aria-label=dot] > *").count());
      const nodes = labels.flatMap((l) => /^node (.+): (\d+) functions placed$/.exec(l)?.slice(1) ?? []);
      const groups = labels.flatMap(
        (l) => /^group of (\d+) edge nodes: (\d+) functions placed$/.exec(l)?.slice(1) ?? [],
      );
      expect(nodes.length / 2 + groups.length / 2).toBe(labels.length);
      const byName = new Map(placed.map((r) => [String(r.name), Number(r.placements)]));
      for (let i = 0; i < nodes.length; i += 2) expect(Number(nodes[i + 1])).toBe(byName.get(nodes[i]!));
      // Drawn nodes and grouped ones together are the topology; their functions placed add up to the awards.
      const groupedNodes = groups.filter((_, i) => i % 2 === 0).reduce((s, n) => s + Number(n), 0);
      expect(nodes.length / 2 + groupedNodes).toBe(placed.length);
      const total = placed.reduce((s, r) => s + Number(r.placements), 0);
      const drawn = [...nodes, ...groups].filter((_, i) => i % 2 === 1).reduce((s, n) => s + Number(n), 0);
      expect(drawn).toBe(total);
      if (run === LARGE_RUN) {
        // 663 nodes fit a page: the leaves are grouped per parent, and the page says so.
        // Grouped: the edge nodes (leaves on the deepest level) of every parent that has several.
        const deepest = Math.max(...placed.map((r) => Number(r.level)));
        const edgePerParent = new Map<unknown, number>();
        for (const r of placed.filter((r) => r.leaf && Number(r.level) === deepest)) {
          edgePerParent.set(r.parent, (edgePerParent.get(r.parent) ?? 0) + 1);
        }
        expect(groupedNodes).toBe([...edgePerParent.values()].filter((n) => n >= 2).reduce((s, n) => s + n, 0));
        expect(await stat(page, "tree_grouped")).toBe(String(groupedNodes));
        expect(await stat(page, "tree_groups")).toBe(String(groups.length / 2));
        expect((await tree.boundingBox())!.height).toBeLessThan(1500);
      }
      // The table of placements names every node that got a function, with its count.
      const table = await page
        .locator("table.run-placements tbody tr")
        .evaluateAll((trs) =>
          trs.map((tr): [string, number] => [
            tr.querySelector("td.node")!.textContent ?? "",
            Number(tr.querySelector("td.placements")!.textContent),
          ]),
        );
      expect(new Map(table)).toEqual(
        new Map(placed.filter((r) => Number(r.placements) > 0).map((r) => [String(r.name), Number(r.placements)])),
      );
    });
  });

  it.each([
    [LARGE_RUN, 1400],
    [LARGE_RUN, 800],
    ["runA", 1400],
    ["runA", 800],
  ])("draws %s at %i px with no label cut by its chart or overlapping another", async (run, width) => {
    await open(run, width, async (page) => {
      expect(await page.locator("html").evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
      const charts = await page.locator("main figure > svg").evaluateAll((svgs) =>
        svgs.map((svg) => {
          const frame = svg.getBoundingClientRect();
          const texts = [...svg.querySelectorAll("text")].filter(
            (t) => t.getClientRects().length > 0 && t.textContent !== "",
          );
          return {
            title: svg.closest("figure")?.querySelector("h2")?.textContent ?? "",
            frame: { left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom },
            texts: texts.map((t) => {
              const b = t.getBoundingClientRect();
              return {
                text: t.textContent!,
                titled: t.querySelector("title") !== null || t.parentElement?.querySelector(":scope > title") !== null,
                box: { left: b.left, right: b.right, top: b.top, bottom: b.bottom },
              };
            }),
          };
        }),
      );
      expect(charts.map((c) => c.title)).toEqual(
        expect.arrayContaining(["Auction start and duration per SLA", "Functions placed per fog node"]),
      );
      for (const chart of charts) {
        for (const t of chart.texts) {
          // Inside the svg (half a pixel of anti-aliasing allowed).
          expect({ chart: chart.title, text: t.text, left: t.box.left >= chart.frame.left - 0.5 }).toEqual({
            chart: chart.title,
            text: t.text,
            left: true,
          });
          expect({ chart: chart.title, text: t.text, right: t.box.right <= chart.frame.right + 0.5 }).toEqual({
            chart: chart.title,
            text: t.text,
            right: true,
          });
          // A label cut with an ellipsis keeps its full text in a tooltip.
          if (t.text.includes("…")) expect({ text: t.text, titled: t.titled }).toEqual({ text: t.text, titled: true });
        }
        const overlaps = [];
        for (let i = 0; i < chart.texts.length; i++) {
          for (let j = i + 1; j < chart.texts.length; j++) {
            const [a, b] = [chart.texts[i]!.box, chart.texts[j]!.box];
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 0.5 && h > 0.5) overlaps.push(`${chart.texts[i]!.text} × ${chart.texts[j]!.text}`);
          }
        }
        expect({ chart: chart.title, overlaps }).toEqual({ chart: chart.title, overlaps: [] });
      }
    });
  });
});
