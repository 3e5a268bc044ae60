import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, withConnection } from "./connection.ts";
import { noopAnalysisEffects } from "./effects.ts";
import { ingestCampaign } from "./ingest.ts";
import { queryPaperClaims } from "./paper-claims.ts";
import {
  writeClaimsInconclusiveCampaign,
  writeClaimsMixedCampaign,
  writeClaimsMeansDisagreeCampaign,
  writeClaimsNotComparableCampaign,
  writeClaimsNotReproducedCampaign,
  writeClaimsReproducedCampaign,
} from "./testing/fixtures-claims.ts";

// Hand computation of the campaigns of testing/fixtures-claims.ts (t975: 12.7062 at 1 degree of freedom, 2.5706 at 5).
// Reproduced: spending ratios 0.2 ×3 and 0.25 ×3: geometric mean √(0.2 · 0.25) = 0.223607; logs ±0.111572 around
//   −1.497866, sd √(6 · 0.111572² / 5) = 0.122221, half-width 2.5706 · 0.122221 / √6 = 0.128264:
//   [exp(−1.626130), exp(−1.369602)] = [0.196689, 0.254208] ≤ 1/3 (and ≤ 0.3), below 1.
//   SLA violations 0 − 33.333333 on both plans: −33.333333, sd 0, interval [−33.333333, −33.333333] ≤ +5.
//   Unplaced 0 − 0 twice. Latency: runs at 5 and 6 ms, mean 5.5, half-width 12.7062 · 0.707107 / √2 = 6.3531:
//   [−0.8531, 11.8531] ≤ the bound 100.
// Not reproduced: ratios 0.8 ×3 and 1 ×3: geometric mean √0.8 = 0.894427, the same sd of the logs (ln 1.25 apart):
//   [0.786757, 1.016832], lower bound > 1/3. SLA violations 100 − 0 and unplaced 25 − 0 on both plans.
//   Latency 150 and 152: mean 151, half-width 12.7062 · √2 / √2: [138.2938, 163.7062] > 100.
// Mixed: the above plus edge-ward at ratio 0.2 on every chain: [0.2, 0.2], so "up to three times" holds against it,
//   and its quality equals the auction's (differences 0) while edge-first's does not (one failure fails "every").
//   SLICES-FR's mean over baselines, per chain (ln r_edge-first + ln 0.2) / 2: ln 0.4 ×3 and ln √0.2 ×3, mean
//   −0.860505 → 0.422949, sd 0.061111, half-width 0.064132: [0.396676, 0.450962], lower bound > 0.3.
// Inconclusive (one plan): edge-first ratios 0.2 and 0.6: √0.12 = 0.346410, sd of the logs ln 3 / √2 = 0.776836,
//   half-width 12.7062 · 0.776836 / √2 = 6.979589: [0.000322, 372.211397]; edge-ward ratios 2 and 2: [2, 2] > 1/3.
//   "Up to three times": one open, one failed → inconclusive. Mean over baselines per chain: ln √0.4, ln √1.2 →
//   0.832358 [0.025393, 27.284112]. One run pair and one auction run: no interval for quality and latency.
// Not comparable: the two strategies on different plans, no request: only the 'all' rows, no value.
const dir = mkdtempSync(join(tmpdir(), "analysis-claims-"));
const CAMPAIGNS = {
  reproduced: writeClaimsReproducedCampaign,
  notReproduced: writeClaimsNotReproducedCampaign,
  mixed: writeClaimsMixedCampaign,
  inconclusive: writeClaimsInconclusiveCampaign,
  notComparable: writeClaimsNotComparableCampaign,
  meansDisagree: writeClaimsMeansDisagreeCampaign,
};
type Campaign = keyof typeof CAMPAIGNS;
const db = (c: Campaign) => join(dir, c, "campaign.duckdb");
const query = (c: Campaign, sql: string) => withConnection(db(c), (con) => rows(con, sql));
const round = (x: unknown) => (typeof x === "number" ? Math.round(x * 1e6) / 1e6 : x);

/** `claim_id/baseline` → [verdict, n, value, ci_low, ci_high, threshold], values rounded. */
async function claims(c: Campaign): Promise<Record<string, unknown[]>> {
  const found = await query(c, "SELECT * FROM paper_claims");
  return Object.fromEntries(
    found.map((r) => [
      `${String(r.claim_id)}/${String(r.baseline)}`,
      [r.verdict, r.n, ...[r.value, r.ci_low, r.ci_high, r.threshold].map(round)],
    ]),
  );
}
const verdicts = async (c: Campaign) =>
  (await query(c, "SELECT claim, verdict FROM paper_claim_verdicts ORDER BY claim")).map((r) => r.verdict);

beforeAll(async () => {
  process.env.TZ = "UTC";
  for (const [name, write] of Object.entries(CAMPAIGNS)) {
    write(join(dir, name));
    await ingestCampaign(join(dir, name), { effects: noopAnalysisEffects });
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const THIRD = 0.333333;

describe("paper_claims: one verdict per claim part × baseline, and per claim", () => {
  it("leaves a spending claim open when the geometric mean passes but the ratio of totals (GIRAFF's means) does not", async () => {
    // logs: 5 × ln 0.01, ln 0.75: mean −3.885589, geometric mean 0.020536, sd 1.762, half-width 2.5706 · 1.762 / √6:
    // upper bound exp(−2.036) = 0.1306 < 1; totals (5 · 0.1 + 30) / (5 · 10 + 40) = 0.338889 > 1/3 and > 0.3
    const [row] = await query(
      "meansDisagree",
      "SELECT verdict, value, ci_high, reason FROM paper_claims WHERE claim_id = 'wosc23-spending' AND baseline = 'edge-first'",
    );
    expect(round(row!.value)).toBe(0.020536);
    expect(Number(row!.ci_high)).toBeLessThan(1);
    expect(row!.verdict).toBe("inconclusive");
    expect(row!.reason).toMatch(
      /but 0\.339 of it in total over the same chains, the mean spending GIRAFF's figure plots/,
    );
    expect(await verdicts("meansDisagree")).toEqual(["inconclusive", "inconclusive", "inconclusive"]);
  });

  it("holds the auction against the papers' baselines only, not our extra cloud-only", async () => {
    const paired = await query("inconclusive", "SELECT baseline FROM paired_spending ORDER BY baseline");
    expect(paired.map((r) => r.baseline)).toEqual(["cloud-only", "edge-first", "edge-ward"]);
    const judged = await query("inconclusive", "SELECT DISTINCT baseline FROM paper_claims ORDER BY baseline");
    expect(judged.map((r) => r.baseline)).toEqual(["all", "edge-first", "edge-ward"]);
  });

  it("reproduces every claim when the auction saves over three times and matches the baseline", async () => {
    const spending = [6, 0.223607, 0.196689, 0.254208];
    const sla = [2, -33.333333, -33.333333, -33.333333, 5];
    expect(await claims("reproduced")).toEqual({
      "wosc23-spending/all": ["reproduced", ...spending, THIRD],
      "wosc23-spending/edge-first": ["reproduced", ...spending, THIRD],
      "wosc23-sla/all": ["reproduced", ...sla],
      "wosc23-sla/edge-first": ["reproduced", ...sla],
      "wosc23-unplaced/all": ["reproduced", 2, 0, 0, 0, 5],
      "wosc23-unplaced/edge-first": ["reproduced", 2, 0, 0, 0, 5],
      "slices25-spending/all": ["reproduced", ...spending, 0.3],
      "slices25-spending/edge-first": ["reproduced", ...spending, 0.3],
      "slices25-sla/all": ["reproduced", ...sla],
      "slices25-sla/edge-first": ["reproduced", ...sla],
      "slices25-latency/all": ["reproduced", 2, 5.5, -0.8531, 11.8531, 100],
    });
    expect(await verdicts("reproduced")).toEqual(["reproduced", "reproduced", "reproduced"]);
  });

  it("does not reproduce them when even the interval's favourable end misses the threshold", async () => {
    const spending = [6, 0.894427, 0.786757, 1.016832];
    expect(await claims("notReproduced")).toEqual({
      "wosc23-spending/all": ["not reproduced", ...spending, THIRD],
      "wosc23-spending/edge-first": ["not reproduced", ...spending, THIRD],
      "wosc23-sla/all": ["not reproduced", 2, 100, 100, 100, 5],
      "wosc23-sla/edge-first": ["not reproduced", 2, 100, 100, 100, 5],
      "wosc23-unplaced/all": ["not reproduced", 2, 25, 25, 25, 5],
      "wosc23-unplaced/edge-first": ["not reproduced", 2, 25, 25, 25, 5],
      "slices25-spending/all": ["not reproduced", ...spending, 0.3],
      "slices25-spending/edge-first": ["not reproduced", ...spending, 0.3],
      "slices25-sla/all": ["not reproduced", 2, 100, 100, 100, 5],
      "slices25-sla/edge-first": ["not reproduced", 2, 100, 100, 100, 5],
      "slices25-latency/all": ["not reproduced", 2, 151, 138.2938, 163.7062, 100],
    });
    expect(await verdicts("notReproduced")).toEqual(["not reproduced", "not reproduced", "not reproduced"]);
  });

  it("holds 'up to three times' on one baseline, 'matching' only on every one, and pools the baselines for 70 %", async () => {
    const c = await claims("mixed");
    expect(c["wosc23-spending/edge-ward"]).toEqual(["reproduced", 6, 0.2, 0.2, 0.2, THIRD]);
    expect(c["wosc23-spending/all"]).toEqual(["reproduced", 6, 0.2, 0.2, 0.2, THIRD]);
    expect(c["wosc23-sla/edge-ward"]).toEqual(["reproduced", 2, 0, 0, 0, 5]);
    expect(c["wosc23-sla/all"]).toEqual(["not reproduced", 2, 100, 100, 100, 5]);
    expect(c["wosc23-unplaced/all"]).toEqual(["not reproduced", 2, 25, 25, 25, 5]);
    expect(c["slices25-spending/edge-ward"]).toEqual(["reproduced", 6, 0.2, 0.2, 0.2, 0.3]);
    expect(c["slices25-spending/all"]).toEqual(["not reproduced", 6, 0.422949, 0.396676, 0.450962, 0.3]);
    expect(await verdicts("mixed")).toEqual(["reproduced", "not reproduced", "not reproduced"]);
    const [all] = await query(
      "mixed",
      "SELECT reason FROM paper_claims WHERE claim_id = 'wosc23-spending' AND baseline = 'all'",
    );
    expect(all!.reason).toBe("Reproduced against edge-ward; the lowest ratio is 0.2, against edge-ward.");
  });

  it("is inconclusive when an interval straddles the threshold or there is none", async () => {
    const edgeFirst = [2, 0.34641, 0.000322, 372.211397];
    const single = [1, 0, null, null, 5];
    expect(await claims("inconclusive")).toEqual({
      "wosc23-spending/all": ["inconclusive", ...edgeFirst, THIRD],
      "wosc23-spending/edge-ward": ["not reproduced", 2, 2, 2, 2, THIRD],
      "wosc23-spending/edge-first": ["inconclusive", ...edgeFirst, THIRD],
      "wosc23-sla/all": ["inconclusive", ...single],
      "wosc23-sla/edge-ward": ["inconclusive", ...single],
      "wosc23-sla/edge-first": ["inconclusive", ...single],
      "wosc23-unplaced/all": ["inconclusive", ...single],
      "wosc23-unplaced/edge-ward": ["inconclusive", ...single],
      "wosc23-unplaced/edge-first": ["inconclusive", ...single],
      "slices25-spending/all": ["inconclusive", 2, 0.832358, 0.025393, 27.284112, 0.3],
      "slices25-spending/edge-ward": ["not reproduced", 2, 2, 2, 2, 0.3],
      "slices25-spending/edge-first": ["inconclusive", ...edgeFirst, 0.3],
      "slices25-sla/all": ["inconclusive", ...single],
      "slices25-sla/edge-ward": ["inconclusive", ...single],
      "slices25-sla/edge-first": ["inconclusive", ...single],
      "slices25-latency/all": ["inconclusive", 1, 5, null, null, 100],
    });
    expect(await verdicts("inconclusive")).toEqual(["inconclusive", "inconclusive", "inconclusive"]);
    const reasons = await query(
      "inconclusive",
      "SELECT reason FROM paper_claims WHERE baseline = 'edge-first' AND claim_id IN ('wosc23-spending', 'wosc23-sla') " +
        "ORDER BY claim_id",
    );
    expect(reasons.map((r) => r.reason)).toEqual([
      "A single run pair (0): no interval, so no verdict.",
      "The auction spent 0.346 [0.000322, 372] of edge-first: above 1/3, but the interval reaches down to it.",
    ]);
  });

  it("has nothing to compare when no baseline shares a plan with the auction and no request was made", async () => {
    const c = await claims("notComparable");
    expect(Object.keys(c).sort()).toEqual(
      [
        "slices25-latency/all",
        "slices25-sla/all",
        "slices25-spending/all",
        "wosc23-sla/all",
        "wosc23-spending/all",
        "wosc23-unplaced/all",
      ].sort(),
    );
    expect(Object.values(c).map((r) => [r[0], r[2]])).toEqual(Array(6).fill(["not comparable", null]));
    expect(await verdicts("notComparable")).toEqual(["not comparable", "not comparable", "not comparable"]);
  });

  it("lists the runs behind each row: both runs of each pair, or the auction's", async () => {
    const runs = await query(
      "mixed",
      "SELECT claim_id, baseline, list(run_key ORDER BY run_key) AS runs FROM paper_claim_runs " +
        "WHERE claim_id IN ('wosc23-spending', 'slices25-latency') GROUP BY ALL ORDER BY ALL",
    );
    expect(runs.map((r) => [r.claim_id, r.baseline, r.runs])).toEqual([
      ["slices25-latency", "all", ["notA1", "notA2"]],
      ["wosc23-spending", "all", ["mixC1", "mixC2", "notA1", "notA2", "notE1", "notE2"]],
      ["wosc23-spending", "edge-first", ["notA1", "notA2", "notE1", "notE2"]],
      ["wosc23-spending", "edge-ward", ["mixC1", "mixC2", "notA1", "notA2"]],
    ]);
  });
});

describe("queryPaperClaims", () => {
  // run_emulation comes from views/16-run_emulation.sql. The auction's and edge-ward's hops take 150 ms on a path
  // the emulation makes 0 ms (target and winner n1): distorted; edge-first's take 5 ms: not.
  it("adds the emulation distortion of the runs behind each row", async () => {
    const { claims: found, emulation } = await withConnection(db("mixed"), queryPaperClaims, { readOnly: true });
    expect(emulation).toBe(true);
    const spending = found.filter((r) => r.claim_id === "wosc23-spending");
    expect(spending.map((r) => [r.baseline, r.runs, r.measured_runs, r.distorted_runs])).toEqual([
      ["all", 6, 6, 4],
      ["edge-first", 4, 4, 2],
      ["edge-ward", 4, 4, 4],
    ]);
  });

  it("says the distortion is not measured when the database has no run_emulation", async () => {
    const result = await withConnection(db("mixed"), async (con) => {
      await con.run("DROP VIEW IF EXISTS run_emulation");
      return queryPaperClaims(con);
    });
    expect(result.emulation).toBe(false);
    expect(result.claims.map((r) => r.measured_runs)).toEqual(result.claims.map(() => null));
    expect(result.claims[0]).toMatchObject({ claim_id: "wosc23-spending", baseline: "all", runs: 6 });
    expect(result.verdicts.map((v) => v.verdict)).toEqual(["reproduced", "not reproduced", "not reproduced"]);
    expect(result.runs.map((r) => [r.strategy, r.run_key, r.distorted])).toEqual([
      ["auction", "notA1", null],
      ["auction", "notA2", null],
      ["edge-first", "notE1", null],
      ["edge-first", "notE2", null],
      ["edge-ward", "mixC1", null],
      ["edge-ward", "mixC2", null],
    ]);
  });

  it("asks for a new ingestion when the database predates the claims", async () => {
    await expect(withConnection(":memory:", queryPaperClaims)).rejects.toThrow(/ingest the campaign again/);
  });
});
