import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeDefinitionsCampaign, writePairedCampaign } from "../../analysis/testing/fixtures-definitions.ts";
import { analyseCampaign, claimLines, legend, pairedSpendingLines, summaryTable } from "./analysis-summary.ts";

const dir = mkdtempSync(join(tmpdir(), "analysis-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const summaryRow = (metric: string, mean: number, half?: number, strategy = "auction") => ({
  metric,
  strategy,
  nodes: 12,
  runs: half === undefined ? 1 : 3,
  mean,
  ci_low: half === undefined ? null : mean - half,
  ci_high: half === undefined ? null : mean + half,
});

describe("the campaign summary table", () => {
  it("labels every metric under its group, mean ± half-width, and explains each column in the legend", () => {
    const lines = summaryTable([
      summaryRow("sla_violation_pct", 50, 12.34),
      summaryRow("sla_violation_respected_pct", 66.6667, 20),
      summaryRow("sla_violation_v3_pct", 27.7778, 8),
      summaryRow("mean_spending_giraff", 9),
      summaryRow("mean_spending_charged", 10),
    ]);
    expect(lines[0]).toMatch(/^ +SLA violations % +unplaced +deploy +spending\/chain +latency +Jain$/);
    expect(lines[1]).toMatch(/^strategy +nodes +runs +final +resp\. +v3 +% +ms +GIRAFF +paid +ms +paid$/);
    expect(lines[3]).toMatch(/^auction +12 +3 +50±12 +66\.7±20 +27\.8±8 +– +– +9 +10 +– +–$/);
    // each group label starts above its first column
    expect(lines[0]!.indexOf("SLA violations %")).toBe(lines[1]!.indexOf("final"));
    expect(lines[0]!.indexOf("spending/chain")).toBe(lines[1]!.indexOf("GIRAFF"));
    const text = legend();
    expect(text).toHaveLength(10);
    expect(text.join("\n")).toMatch(/SLA violations % final +GIRAFF's final definition, the default/);
    expect(text.join("\n")).toMatch(/spending\/chain GIRAFF +the winners' own bids/);
    for (const line of [...lines, ...text]) expect(line.length).toBeLessThanOrEqual(120);
  });

  it("gives a line per baseline for the paired spending, both definitions and the excluded chains", () => {
    const [line] = pairedSpendingLines([
      {
        baseline: "edge-first",
        chains_excluded: 3,
        ratio_giraff_chains: 11,
        ratio_giraff_geomean: 0.45,
        ratio_giraff_ci_low: 0.25,
        ratio_giraff_ci_high: 0.65,
        ratio_giraff_of_totals: 0.4,
        ratio_charged_chains: 1,
        ratio_charged_geomean: 0.5,
        ratio_charged_ci_low: null,
        ratio_charged_ci_high: null,
        ratio_charged_of_totals: 0.5,
      },
    ]);
    expect(line).toBe(
      "auction / edge-first spending per chain, geometric mean (GIRAFF's metric): 0.45 [0.25, 0.65], totals 0.4 " +
        "over 11 chains; paid: 0.5 [–], totals 0.5 over 1 chain; 3 chains excluded (not fully placed in both)",
    );
  });

  it("prints the table, the legend and the paired comparison of an ingested campaign", async () => {
    writeDefinitionsCampaign(dir);
    writePairedCampaign(dir);
    const lines: string[] = [];
    await analyseCampaign(dir, (l) => lines.push(l));
    // views-definitions.test.ts works these out by hand: run defs 50 / 66.7 / 27.8 %, pairA spends (8 + 6 + 2) / 3
    // own bids and (10 + 8 + 2) / 3 charged per chain (each metric from one of the two auction runs); p1, p2 paired
    expect(lines.find((l) => l.startsWith("auction "))).toMatch(
      /^auction +3 +1 +50 +66\.7 +27\.8 +100 +20 +5\.33 +6\.67 +29\.2 +0\.333$/,
    );
    expect(lines.some((l) => /^ {2}Jain paid +Jain's index of node earnings/.test(l))).toBe(true);
    expect(lines.find((l) => l.startsWith("auction / edge-first"))).toBe(
      "auction / edge-first spending per chain, geometric mean (GIRAFF's metric): 0.612 [0.0466, 8.05], totals " +
        "0.583 over 2 chains; paid: 0.632 [0.0319, 12.5], totals 0.6 over 2 chains; 2 chains excluded (not fully " +
        "placed in both)",
    );
    // the claims close the summary, one line each (views-claims.test.ts judges them on hand-built campaigns)
    const claims = lines.slice(lines.findIndex((l) => l.startsWith("GIRAFF's claims")));
    expect(claims).toHaveLength(4);
    expect(claims[1]).toMatch(/^ {2}WoSC'23, "reduces client spending by up to three times": \w[\w ]*\. /);
  });

  it("gives a line per claim with its verdict and reason", () => {
    expect(
      claimLines([{ paper: "WoSC'23", quote: "up to three times", verdict: "inconclusive", reason: "Too few runs." }]),
    ).toEqual([
      "GIRAFF's claims on this campaign (against the papers' baselines; the report's fidelity page has the figures):",
      '  WoSC\'23, "up to three times": inconclusive. Too few runs.',
    ]);
    expect(claimLines([])).toEqual([]);
  });
});
