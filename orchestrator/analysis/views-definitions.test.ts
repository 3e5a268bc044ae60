import { describe, expect, it } from "vitest";
import { writeDefinitionsCampaign, writePairedCampaign } from "./testing/fixtures-definitions.ts";
import { useIngestedCampaign } from "./testing/ingested.ts";

// Hand computation of run `defs` (testing/fixtures-definitions.ts). Bounds: first functions 20 ms, second 100 ms, so a
// hop is acceptable with status 200 and in-flight ≤ 21 ms, resp. ≤ 101 ms.
//   rA1: a1 in-flight 1010 − 1000 = 10 but status 404: 1 hop, 0 acceptable; the request died there.
//   rA2: a1 1110 − 1100 = 10, a2 1130 − 1120 = 10: 2 hops, both acceptable.
//   rB1: b1 2010 − 2000 = 10, b2 2150 − 2020 = 130 > 101: 2 hops, 1 acceptable.
//   rC1: c1 3005 − 3000 = 5, c2 3020 − 3010 = 10: 2 hops, both acceptable.
//   rC2 (entry proxy only) and the send_failure have no function hop: counted in no definition.
// Chains (as replayed): A = {rA1, rA2}, B = {rB1}, C = {rC1}.
//   v3.0.0: share of non-acceptable hops per chain: A 1/3, B 1/2, C 0; mean (1/3 + 1/2 + 0) / 3 = 27.777778 %.
//   respected: A (rA1) and B (rB1) have a non-acceptable request: 2 of 3 chains = 66.666667 %.
//   final: pseudo-chains a1 {rA1} violated, a1,a2 {rA2}, b1,b2 {rB1} violated, c1,c2 {rC1}: 2 of 4 = 50 %.
//
// Paired spending (pairA auction vs pairE edge-first, one plan; otherE is on another plan):
//   p1: own bids 8 / 16 = 0.5, charged 10 / 20 = 0.5; p2: own 6 / 8 = 0.75, charged 8 / 10 = 0.8;
//   p3 (edge-first placed 1 of 2) and p4 (the auction placed 0 of 2): excluded, 2 chains.
//   own bids: logs −0.693147, −0.287682: geometric mean √(0.5 · 0.75) = 0.612372, sd of the logs 0.286707,
//     half-width t975(1) · sd / √2 = 12.7062 · 0.202733 = 2.575961, so exp(−0.490415 ± 2.575961) = [0.04659, 8.048983] (t975 tabulated as 12.7062);
//     totals (8 + 6) / (16 + 8) = 0.583333;
//   charged: geometric mean √(0.5 · 0.8) = 0.632456, sd 0.332343, half-width 2.985981: [0.031933, 12.526353];
//     totals (10 + 8) / (20 + 10) = 0.6.
const round = (x: unknown) => (x === null ? null : Math.round(Number(x) * 1e6) / 1e6);

const { query } = useIngestedCampaign("definitions", (c) => {
  writeDefinitionsCampaign(c);
  writePairedCampaign(c);
});

describe("GIRAFF's three SLA-violation definitions", () => {
  it("chain_sla counts requests and hops per replayed chain", async () => {
    const chains = await query(
      "SELECT chain_id, requests, acceptable_requests, respected, hops, acceptable_hops FROM chain_sla " +
        "WHERE run_key = 'defs' ORDER BY 1",
    );
    expect(chains.map((c) => Object.values(c))).toEqual([
      ["A", 2, 1, false, 3, 2],
      ["B", 1, 0, false, 2, 1],
      ["C", 1, 1, true, 2, 2],
    ]);
  });

  it("pseudo_chain_sla keys each request by the SLAs it went through", async () => {
    const chains = await query(
      "SELECT chain_id, requests, acceptable_requests, respected FROM pseudo_chain_sla WHERE run_key = 'defs' ORDER BY 1",
    );
    expect(chains.map((c) => Object.values(c))).toEqual([
      ["a1", 1, 0, false],
      ["a1,a2", 1, 1, true],
      ["b1,b2", 1, 0, false],
      ["c1,c2", 1, 1, true],
    ]);
  });

  it("give three different figures for one run", async () => {
    const final = await query("SELECT * EXCLUDE (run_key) FROM chain_violation_final WHERE run_key = 'defs'");
    expect(final).toEqual([{ chains: 4, violated_chains: 2, violation_pct: 50 }]);
    const respected = await query("SELECT * EXCLUDE (run_key) FROM chain_violation_respected WHERE run_key = 'defs'");
    expect(respected.map((r) => [r.chains, r.violated_chains, round(r.violation_pct)])).toEqual([[3, 2, 66.666667]]);
    const v3 = await query("SELECT * EXCLUDE (run_key) FROM chain_violation_v3 WHERE run_key = 'defs'");
    expect(v3.map((r) => [r.chains, r.hops, r.unacceptable_hops, round(r.violation_pct)])).toEqual([
      [3, 7, 2, 27.777778],
    ]);
  });

  it("run_metrics takes the final definition as sla_violation_pct, the others beside it, and so does the summary", async () => {
    const [m] = await query(
      "SELECT sla_violation_pct, sla_violation_v3_pct, sla_violation_respected_pct FROM run_metrics " +
        "WHERE run_key = 'defs'",
    );
    expect(Object.values(m!).map(round)).toEqual([50, 27.777778, 66.666667]);
    const summary = await query(
      "SELECT metric, mean FROM strategy_summary WHERE metric LIKE 'sla_violation%' AND strategy = 'auction' " +
        "AND runs = 1 ORDER BY 1",
    );
    expect(summary.map((s) => [s.metric, round(s.mean)])).toEqual([
      ["sla_violation_pct", 50],
      ["sla_violation_respected_pct", 66.666667],
      ["sla_violation_v3_pct", 27.777778],
    ]);
  });
});

describe("paired spending, chain by chain on one plan", () => {
  it("pairs the chains of runs that differ only by strategy, and excludes those not fully placed on both sides", async () => {
    const chains = await query(
      "SELECT auction_run, baseline_run, chain_id, paired, ratio_giraff, ratio_charged FROM paired_chain_spending " +
        "ORDER BY chain_id",
    );
    expect(chains.map((c) => Object.values(c))).toEqual([
      ["pairA", "pairE", "p1", true, 0.5, 0.5],
      ["pairA", "pairE", "p2", true, 0.75, 0.8],
      ["pairA", "pairE", "p3", false, null, null],
      ["pairA", "pairE", "p4", false, null, null],
    ]);
  });

  it("summarises the ratio per baseline: geometric mean with a 95 % t interval on the logarithms, and the ratio of totals, for both spending definitions", async () => {
    const [p] = await query("SELECT * FROM paired_spending");
    expect(Object.fromEntries(Object.entries(p!).map(([k, v]) => [k, typeof v === "number" ? round(v) : v]))).toEqual({
      baseline: "edge-first",
      run_pairs: 1,
      chains_paired: 2,
      chains_excluded: 2,
      ratio_giraff_chains: 2,
      ratio_giraff_geomean: 0.612372,
      ratio_giraff_ci_low: 0.04659,
      ratio_giraff_ci_high: 8.048983,
      ratio_giraff_of_totals: 0.583333,
      ratio_charged_chains: 2,
      ratio_charged_geomean: 0.632456,
      ratio_charged_ci_low: 0.031933,
      ratio_charged_ci_high: 12.526353,
      ratio_charged_of_totals: 0.6,
    });
  });
});
