/**
 * The fidelity page against the SQL it shows: a fixture campaign with mixed verdicts
 * (orchestrator/analysis/testing/fixtures-claims.ts) and a campaign.json is ingested, the report is built with
 * notebooks/build.ts (in an empty network namespace when this machine allows one), served on 127.0.0.1, and the page
 * is read in real headless Chromium: every figure, interval, verdict, sentence and distortion it states must be what
 * `queryPaperClaims` returns from the same database, and the page must fit 1 400 and 800 px wide windows.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Row } from "../orchestrator/analysis/connection.ts";
import { withConnection } from "../orchestrator/analysis/connection.ts";
import { noopAnalysisEffects } from "../orchestrator/analysis/effects.ts";
import { ingestCampaign } from "../orchestrator/analysis/ingest.ts";
import { queryPaperClaims, type PaperClaims } from "../orchestrator/analysis/paper-claims.ts";
import { writeCampaignRecord, writeClaimsMixedCampaign } from "../orchestrator/analysis/testing/fixtures-claims.ts";
import { runBrowserTests, useReportInBrowser } from "./testing/browser.ts";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

/** Every number in a cell's text ("+100 pts" → [100], "[0.787, 1.02]" → [0.787, 1.02], "–" → []). */
const numbers = (text: string) => [...text.matchAll(/[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));

/** The page shows three significant digits: within half a unit of the third digit. */
function expectShown(shown: number | undefined, value: unknown): void {
  expect(shown).toBeDefined();
  const v = Number(value);
  expect(Math.abs(shown! - v)).toBeLessThanOrEqual(Math.abs(v) * 5e-3 + 1e-12);
}

/** What one row of the page says, read from its cells. */
async function readRow(page: Page, claimId: string, baseline: string) {
  const row = page.locator(`tr[data-claim-id="${claimId}"][data-baseline="${baseline}"]:not(.reason)`);
  const cell = (c: string) => row.locator(`td.${c}`).innerText();
  return {
    figure: await cell("figure"),
    interval: await cell("interval"),
    n: await cell("n"),
    verdict: await cell("verdict-cell"),
    emulation: await cell("emulation"),
    reason: await page.locator(`tr.reason[data-claim-id="${claimId}"][data-baseline="${baseline}"]`).innerText(),
  };
}

describe.skipIf(!runBrowserTests)("the fidelity page of a fixture campaign in headless Chromium", () => {
  const report = useReportInBrowser("fidelity", async (dir) => {
    writeClaimsMixedCampaign(dir);
    writeCampaignRecord(dir, "claims-fixture", COMMIT);
    await ingestCampaign(dir, { effects: noopAnalysisEffects });
    expected = await withConnection(join(dir, "campaign.duckdb"), queryPaperClaims, { readOnly: true });
  });
  let expected: PaperClaims;

  /** Opens /fidelity in a window `width` px wide, fails on any page error or console error/warning. */
  const open = (width: number, use: (page: Page) => Promise<void>) =>
    report.open(
      "/fidelity",
      width,
      (page) => page.waitForSelector("table.claims tr[data-claim-id]", { timeout: 15_000 }),
      use,
    );

  it("gives each claim the verdict and sentence of paper_claim_verdicts, and the campaign's git commit", async () => {
    expect(expected.verdicts.map((v) => v.verdict)).toEqual(["reproduced", "not reproduced", "not reproduced"]);
    await open(1400, async (page) => {
      for (const v of expected.verdicts) {
        const headline = page.locator(`.claim-headline[data-claim="${String(v.claim)}"]`);
        expect(await headline.locator(".verdict").innerText()).toBe(v.verdict);
        expect(await headline.locator(".claim-reason").innerText()).toBe(v.reason);
        expect(await headline.locator(".quote").innerText()).toContain(String(v.quote));
      }
      expect(await page.locator("code.git-commit").innerText()).toBe(COMMIT);
    });
  });

  it("states every row's figure, interval, n, verdict, reason and distortion as the SQL gives them", async () => {
    expect(expected.claims.length).toBeGreaterThan(10);
    await open(1400, async (page) => {
      expect(await page.locator("tr[data-claim-id]:not(.reason)").count()).toBe(expected.claims.length);
      for (const r of expected.claims) {
        const shown = await readRow(page, String(r.claim_id), String(r.baseline));
        if (r.value === null) expect(shown.figure).toBe("–");
        else expectShown(numbers(shown.figure)[0], r.value);
        if (r.ci_low === null) expect(shown.interval).toBe("–");
        else {
          const [low, high] = numbers(shown.interval);
          expectShown(low, r.ci_low);
          expectShown(high, r.ci_high);
        }
        expect(shown.n).toBe(r.n === null ? "–" : `${String(r.n)} ${String(r.n_unit)}`);
        expect(shown.verdict).toBe(r.verdict);
        expect(shown.reason).toBe(r.reason);
        expect(shown.emulation).toContain(distortion(r));
      }
    });
  });

  it("lists the runs behind the verdicts with their params and distortion", async () => {
    await open(1400, async (page) => {
      const runs = page.locator("table.claim-runs tbody tr");
      expect(await runs.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-run")))).toEqual(
        expected.runs.map((r) => r.run_key),
      );
      for (const r of expected.runs) {
        const cells = await page.locator(`tr[data-run="${String(r.run_key)}"] td`).allInnerTexts();
        expect(cells.slice(0, 2)).toEqual([r.run_key, r.strategy]);
        expect(cells[5]).toBe(r.distorted === null ? "not measured" : r.distorted ? "yes" : "no");
        expect(JSON.parse(cells[6]!)).toEqual(JSON.parse(String(r.params)));
      }
    });
  });

  it.each([1400, 800])(
    "fits a %i px wide window: no horizontal scrolling, no table or chart past the text",
    async (width) => {
      await open(width, async (page) => {
        const layout = {
          page: await page.locator("html").evaluate((html) => html.scrollWidth),
          window: width,
          main: await page.locator("main").evaluate((main) => main.getBoundingClientRect().right),
          boxes: await page.locator("main table, main figure").evaluateAll((elements) =>
            elements.map((e) => ({
              right: e.getBoundingClientRect().right,
              overflow: e.scrollWidth - e.clientWidth,
            })),
          ),
        };
        expect(layout.page).toBeLessThanOrEqual(layout.window);
        expect(layout.boxes.length).toBeGreaterThanOrEqual(6);
        for (const b of layout.boxes) {
          expect(b.right).toBeLessThanOrEqual(layout.main + 1);
          expect(b.overflow).toBeLessThanOrEqual(1);
        }
      });
    },
  );
});

/** The distortion a row must show: "not measured" without run_emulation or measurable runs. */
function distortion(r: Row): string {
  const measured = r.measured_runs as number | null;
  return measured === null || measured === 0
    ? "not measured"
    : `${String(r.distorted_runs)} of ${measured} runs distorted`;
}
