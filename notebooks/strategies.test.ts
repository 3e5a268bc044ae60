/**
 * The strategies page against the SQL it draws: two fixture campaigns (orchestrator/figures/testing/fixture-campaign.ts),
 * seven strategies on one network size and four strategies on three sizes, are ingested, built with
 * notebooks/build.ts (in an empty network namespace when this machine allows one), served on 127.0.0.1 and read in
 * real headless Chromium. Every mean, interval and run count the page states, every paired spending figure and every
 * σ relative to GIRAFF must be what the paper figures' queries (orchestrator/figures/<figure>/query.ts) and the
 * `paired_spending` view return from the same database; the layout must suit the number of sizes; and at 1 400 and
 * 800 px no text may be cut by its chart's frame, the window, or another label.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { rows, withConnection, type Row } from "../orchestrator/analysis/connection.ts";
import { noopAnalysisEffects } from "../orchestrator/analysis/effects.ts";
import { ingestCampaign } from "../orchestrator/analysis/ingest.ts";
import { queryDeploymentTime } from "../orchestrator/figures/deployment-time/query.ts";
import { queryJainIndex } from "../orchestrator/figures/jain-index/query.ts";
import { queryLatency } from "../orchestrator/figures/latency/query.ts";
import { queryRelativeToGiraff } from "../orchestrator/figures/relative-to-giraff/query.ts";
import { RELATIVE_METRICS } from "../orchestrator/figures/relative-to-giraff/spec.ts";
import { querySlaViolations } from "../orchestrator/figures/sla-violations/query.ts";
import { querySpending } from "../orchestrator/figures/spending/query.ts";
import { writeStrategiesCampaign, type StrategiesCampaign } from "../orchestrator/figures/testing/fixture-campaign.ts";
import type { FigureRows, SummaryRow } from "../orchestrator/figures/types.ts";
import { queryUnplacedFunctions } from "../orchestrator/figures/unplaced-functions/query.ts";
import { runBrowserTests, useReportInBrowser } from "./testing/browser.ts";

const SEVEN = ["auction", "cloud-only", "edge-first", "edge-furthest", "edge-ward", "max-cpu", "mincpurandom"];

const CAMPAIGNS: { name: string; spec: StrategiesCampaign }[] = [
  { name: "seven strategies on one network size", spec: { strategies: SEVEN, sizes: [5], repetitions: 2 } },
  {
    name: "four strategies on three network sizes",
    spec: { strategies: ["auction", "edge-first", "edge-ward", "mincpurandom"], sizes: [4, 6, 9], repetitions: 2 },
  },
];

/** The page's figures (their keys in data/strategies.json and `data-figure`) and the query behind each. */
const FIGURE_QUERIES = {
  slaViolations: querySlaViolations,
  deploymentTime: queryDeploymentTime,
  spending: querySpending,
  latency: queryLatency,
  unplaced: queryUnplacedFunctions,
  jain: queryJainIndex,
  relative: queryRelativeToGiraff,
};
type FigureName = keyof typeof FIGURE_QUERIES;

/** Every number in a text ("[0.787, 1.02]" → [0.787, 1.02], "–" → []). */
const numbers = (text: string) => [...text.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));

/** The page shows three significant digits: within half a unit of the third digit. */
function expectShown(shown: number | undefined, value: unknown, what: string): void {
  expect(shown, what).toBeDefined();
  const v = Number(value);
  expect(Math.abs(shown! - v), `${what}: shown ${shown}, SQL ${v}`).toBeLessThanOrEqual(Math.abs(v) * 5e-3 + 1e-9);
}

/** What one summary cell of the page says. */
interface ShownCell {
  strategy: string;
  nodes: string;
  panel: string;
  mean: string;
  interval: string | null;
  runs: string;
}

/** Every summary cell of a figure's section, read from the DOM (textContent: folded tables count too). */
function readSection(page: Page, figure: FigureName): Promise<ShownCell[]> {
  return page.locator(`.metric-section[data-figure="${figure}"] table.strategy-numbers td.summary`).evaluateAll((tds) =>
    tds.map((td) => {
      const tr = td.closest("tr")!;
      const text = (c: string) => td.querySelector(`.${c}`)?.textContent ?? null;
      return {
        strategy: tr.getAttribute("data-strategy")!,
        nodes: tr.getAttribute("data-nodes")!,
        panel: td.getAttribute("data-panel")!,
        mean: text("mean")!,
        interval: text("interval"),
        runs: text("runs")!,
      };
    }),
  );
}

describe.skipIf(!runBrowserTests).each(CAMPAIGNS)("the strategies page of $name", ({ spec }) => {
  const report = useReportInBrowser("strategies", async (dir) => {
    writeStrategiesCampaign(dir, spec);
    await ingestCampaign(dir, { effects: noopAnalysisEffects });
    await withConnection(
      join(dir, "campaign.duckdb"),
      async (con) => {
        const figures: Partial<Record<FigureName, FigureRows>> = {};
        for (const [name, query] of Object.entries(FIGURE_QUERIES)) figures[name as FigureName] = await query(con);
        expected = figures as Record<FigureName, FigureRows>;
        paired = await rows(con, "SELECT * FROM paired_spending ORDER BY baseline");
      },
      { readOnly: true },
    );
  });
  let expected: Record<FigureName, FigureRows>;
  let paired: Row[];
  const oneSize = spec.sizes.length === 1;

  /** Opens /strategies in a window `width` px wide, fails on any page error or console error/warning. */
  const open = (width: number, use: (page: Page) => Promise<void>) =>
    report.open(
      "/strategies",
      width,
      (page) => page.waitForSelector('.metric-section[data-figure="relative"] figure svg', { timeout: 15_000 }),
      use,
    );

  it("gives the fixture what each part of the page needs", () => {
    for (const figure of Object.keys(FIGURE_QUERIES) as FigureName[]) {
      expect(expected[figure].summary.length, figure).toBeGreaterThan(0);
      // Intervals (two runs) and single values both occur, so both ways of showing them are checked.
      expect(
        expected[figure].summary.some((r) => r.ci_low !== null),
        figure,
      ).toBe(true);
    }
    expect(new Set(expected.spending.summary.map((r) => r.nodes)).size).toBe(spec.sizes.length);
    expect(paired.length).toBe(spec.strategies.length - 1);
  });

  it("states every mean, interval and run count as the figure queries give them, and nothing else", async () => {
    await open(1400, async (page) => {
      for (const figure of Object.keys(FIGURE_QUERIES) as FigureName[]) {
        const shown = await readSection(page, figure);
        const label = new Map<string, string>(RELATIVE_METRICS.map((m) => [m.metric, m.label]));
        // The relative table names its columns by the metrics' labels; the other figures by their panels.
        const panelOf = (r: SummaryRow) => (figure === "relative" ? (label.get(r.panel) ?? r.panel) : r.panel);
        expect(shown.length, figure).toBe(expected[figure].summary.length);
        for (const r of expected[figure].summary) {
          const what = `${figure} ${r.strategy} ${r.nodes} ${r.panel}`;
          const cell = shown.find(
            (c) => c.strategy === r.strategy && c.nodes === String(r.nodes ?? "all") && c.panel === panelOf(r),
          );
          expect(cell, what).toBeDefined();
          expectShown(numbers(cell!.mean)[0], r.mean, `${what} mean`);
          expect(cell!.runs, what).toBe(`(${r.runs} run${r.runs === 1 ? "" : "s"})`);
          if (r.ci_low === null || r.ci_high === null) expect(cell!.interval, what).toBeNull();
          else {
            const [low, high] = numbers(cell!.interval ?? "");
            expectShown(low, r.ci_low, `${what} interval low`);
            expectShown(high, r.ci_high, `${what} interval high`);
          }
        }
      }
    });
  });

  it("states the auction against each baseline as paired_spending gives it", async () => {
    await open(1400, async (page) => {
      const shown = await page.locator("table.paired-spending tbody tr").evaluateAll((trs) =>
        trs.map((tr) => ({
          baseline: tr.getAttribute("data-baseline"),
          kind: tr.getAttribute("data-kind"),
          cells: Object.fromEntries([...tr.querySelectorAll("td")].map((td) => [td.className, td.textContent ?? ""])),
        })),
      );
      expect(shown).toHaveLength(paired.length * 2);
      for (const r of paired) {
        for (const kind of ["giraff", "charged"]) {
          const what = `${String(r.baseline)} ${kind}`;
          const row = shown.find((s) => s.baseline === r.baseline && s.kind === kind);
          expect(row, what).toBeDefined();
          const c = row!.cells;
          expect(Number(c["run-pairs"]), what).toBe(Number(r.run_pairs));
          expect(Number(c["chains-paired"]), what).toBe(Number(r.chains_paired));
          expect(Number(c["chains-excluded"]), what).toBe(Number(r.chains_excluded));
          if (c.chains !== undefined) expect(Number(c.chains), what).toBe(Number(r[`ratio_${kind}_chains`]));
          else expect(Number(r[`ratio_${kind}_chains`]), what).toBe(Number(r.chains_paired));
          expectShown(numbers(c.geomean!)[0], r[`ratio_${kind}_geomean`], `${what} geometric mean`);
          const [low, high] = numbers(c.interval!);
          expectShown(low, r[`ratio_${kind}_ci_low`], `${what} interval low`);
          expectShown(high, r[`ratio_${kind}_ci_high`], `${what} interval high`);
          expectShown(numbers(c.totals!)[0], r[`ratio_${kind}_of_totals`], `${what} ratio of totals`);
        }
      }
    });
  });

  it(`lays the page out for ${oneSize ? "one size: a mark per strategy, tables open" : "several sizes: x = size, tables folded"}`, async () => {
    await open(1400, async (page) => {
      const note = await page.locator("p.layout-note").innerText();
      expect(note).toContain(oneSize ? "one network size (5 nodes)" : `${spec.sizes.length} network sizes`);
      const sections = page.locator(".metric-section[data-figure]");
      expect(await sections.count()).toBe(Object.keys(FIGURE_QUERIES).length);
      for (const figure of Object.keys(FIGURE_QUERIES) as FigureName[]) {
        const section = page.locator(`.metric-section[data-figure="${figure}"]`);
        expect(await section.locator("figure > svg").count(), figure).toBe(1);
        // The relative table is folded either way: the chart says it at a glance.
        const folded = !oneSize || figure === "relative";
        expect(await section.locator("details table.strategy-numbers").count(), figure).toBe(folded ? 1 : 0);
        expect(await section.locator("table.strategy-numbers").isVisible(), figure).toBe(!folded);
        if (figure === "relative") continue;
        const axisText = await section.locator("figure > svg").evaluate((svg) => svg.textContent ?? "");
        // One size: the strategies are the chart's rows; several: its x axis is the network size.
        if (oneSize) for (const strategy of spec.strategies) expect(axisText, figure).toContain(strategy);
        else expect(axisText, figure).toContain("Network size (nodes)");
      }
    });
  });

  it.each([1400, 800])(
    "cuts no text at %i px: inside its chart, the window, and clear of other labels",
    async (width) => {
      await open(width, async (page) => {
        await page.locator("details").evaluateAll((all) => all.forEach((d) => d.setAttribute("open", "")));
        const layout = await page.locator("main figure > svg").evaluateAll((svgs) =>
          svgs.map((svg) => {
            const frame = svg.getBoundingClientRect();
            const texts = [...svg.querySelectorAll("text")]
              .map((t) => ({ text: t.textContent ?? "", box: t.getBoundingClientRect() }))
              .filter((t) => t.box.width > 0 && t.text.trim() !== "");
            return {
              figure: svg.closest("[data-figure]")?.getAttribute("data-figure") ?? "?",
              frame: { left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom },
              texts: texts.map((t) => ({
                text: t.text,
                left: t.box.left,
                right: t.box.right,
                top: t.box.top,
                bottom: t.box.bottom,
              })),
            };
          }),
        );
        const windowWidth = await page.locator("html").evaluate((html) => html.clientWidth);
        expect(await page.locator("html").evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
        expect(layout.length).toBe(Object.keys(FIGURE_QUERIES).length);
        for (const { figure, frame, texts } of layout) {
          expect(texts.length, figure).toBeGreaterThan(5);
          for (const t of texts) {
            const what = `${figure} at ${width} px: "${t.text}"`;
            expect(t.left, what).toBeGreaterThanOrEqual(Math.max(0, frame.left) - 1);
            expect(t.right, what).toBeLessThanOrEqual(Math.min(windowWidth, frame.right) + 1);
            expect(t.top, what).toBeGreaterThanOrEqual(frame.top - 1);
            expect(t.bottom, what).toBeLessThanOrEqual(frame.bottom + 1);
            expect(t.text, `${what} is truncated`).not.toMatch(/…$/);
          }
          // Labels that overlap each other are as unreadable as cut ones (facet ticks, axis titles and facet names).
          for (let i = 0; i < texts.length; i++) {
            for (let j = i + 1; j < texts.length; j++) {
              const [a, b] = [texts[i]!, texts[j]!];
              const overlap =
                Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
              expect(overlap, `${figure} at ${width} px: "${a.text}" overlaps "${b.text}"`).toBe(false);
            }
          }
        }
        const tables = await page
          .locator("main table")
          .evaluateAll((all) =>
            all.map((t) => ({ right: t.getBoundingClientRect().right, overflow: t.scrollWidth - t.clientWidth })),
          );
        const main = await page.locator("main").evaluate((m) => m.getBoundingClientRect().right);
        for (const t of tables) {
          expect(t.right).toBeLessThanOrEqual(main + 1);
          expect(t.overflow).toBeLessThanOrEqual(1);
        }
      });
    },
  );
});
