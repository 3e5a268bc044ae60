/**
 * Two small hand-made campaigns for the metric definitions (the expected values, worked out by hand, live in
 * views-definitions.test.ts): one run on which GIRAFF's three SLA-violation definitions differ, and runs of two
 * strategies on one plan for the paired spending comparison. Built from fixtures.ts's event helpers.
 */
import { awarded, bid, F0, F1, hop, sla, submit, writeRun, type Line } from "./fixtures.ts";

const AUCTION = { strategy: "auction", valuation: "quadratic", marketRule: "second-price" };
const EDGE_FIRST = { strategy: "edge-first", valuation: "quadratic", marketRule: "second-price" };
const on = (repetition: number, variation = "base") => ({ size: 1, repetition, variation });

/**
 * Run `defs` (auction, variation `definitions`: on a plan of its own, so never paired): chains A, B, C of two functions each (bounds 20 ms then 100 ms).
 * - rA1 dies at A's first function with a 404 (one hop); rA2 goes through A fine.
 * - rB1's second hop is late: 2150 − 2020 = 130 ms > 101.
 * - rC1 goes through C fine; rC2 reached only the entry proxy (no function proxy record: a transport failure), and
 *   one more request never left the IoT emulator (send_failure).
 */
export function writeDefinitionsCampaign(campaign: string): void {
  const slas = ["a", "b", "c"].flatMap((c, i) => [sla(`${c}1`, F0, 20, 10 + 2 * i), sla(`${c}2`, F1, 100, 11 + 2 * i)]);
  writeRun(
    campaign,
    "defs",
    { strategy: AUCTION, ...on(1, "definitions") },
    {
      market: slas,
      replay: ["a", "b", "c"].flatMap((c) => [
        submit(c.toUpperCase(), 0, `${c}1`),
        submit(c.toUpperCase(), 1, `${c}2`),
      ]),
      // prettier-ignore
      iot: [
        hop("rA1", "a1", true, 1000, 1050, 404), hop("rA1", "a1", false, 1010, 1020, 404),
        hop("rA2", "a1", true, 1100, 1200), hop("rA2", "a1", false, 1110, 1120), hop("rA2", "a2", false, 1130, 1140),
        hop("rB1", "b1", true, 2000, 2200), hop("rB1", "b1", false, 2010, 2020), hop("rB1", "b2", false, 2150, 2160),
        hop("rC1", "c1", true, 3000, 3100), hop("rC1", "c1", false, 3005, 3010), hop("rC1", "c2", false, 3020, 3030),
        hop("rC2", "c1", true, 3200, 3230, 502),
        { kind: "send_failure", slaId: "c1", reason: "unreachable" },
      ],
    },
  );
}

/** One placed function: its awarded auction (charged `charged`) and the winner's bid (own price `own`). */
function placed(chain: string, index: number, slaId: string, own: number, charged: number): Line[] {
  return [
    submit(chain, index, slaId),
    awarded(slaId, F1, 100, 10, ["n1", `bid-${slaId}`, own, charged]),
    bid(slaId, "n1", `bid-${slaId}`, own, own),
  ];
}

/** The plan both strategies replay: chains p1–p4 of two functions each. */
const PLAN = {
  version: 1,
  chains: ["p1", "p2", "p3", "p4"].map((id) => ({
    id,
    pipeline: "x",
    targetNodeId: "n1",
    arrivalS: 0,
    durationMs: 60000,
    functions: [0, 1].map((index) => ({ index, name: `${id}-f${index}`, latencyMaxMs: 100 })),
  })),
};

/**
 * Runs `pairA` (auction) and `pairE` (edge-first) on one plan (same params but the strategy), and `otherE`
 * (edge-first, repetition 2: another plan, never paired). Spending per chain, own bids (GIRAFF) / charged:
 * - p1: auction 3 + 5 = 8 / 4 + 6 = 10, edge-first 10 + 6 = 16 / 12 + 8 = 20;
 * - p2: auction 4 + 2 = 6 / 5 + 3 = 8, edge-first 5 + 3 = 8 / 6 + 4 = 10;
 * - p3: edge-first placed only the first function (the second was refused);
 * - p4: the auction's first function was refused; edge-first placed both.
 */
export function writePairedCampaign(campaign: string): void {
  const auction = [
    ...placed("p1", 0, "a11", 3, 4),
    ...placed("p1", 1, "a12", 5, 6),
    ...placed("p2", 0, "a21", 4, 5),
    ...placed("p2", 1, "a22", 2, 3),
    ...placed("p3", 0, "a31", 1, 1),
    ...placed("p3", 1, "a32", 1, 1),
    submit("p4", 0),
  ];
  const edgeFirst = [
    ...placed("p1", 0, "e11", 10, 12),
    ...placed("p1", 1, "e12", 6, 8),
    ...placed("p2", 0, "e21", 5, 6),
    ...placed("p2", 1, "e22", 3, 4),
    ...placed("p3", 0, "e31", 1, 1),
    submit("p3", 1),
    ...placed("p4", 0, "e41", 1, 1),
    ...placed("p4", 1, "e42", 1, 1),
  ];
  writeRun(campaign, "pairA", { strategy: AUCTION, ...on(1) }, { market: auction }, PLAN);
  writeRun(campaign, "pairE", { strategy: EDGE_FIRST, ...on(1) }, { market: edgeFirst }, PLAN);
  writeRun(campaign, "otherE", { strategy: EDGE_FIRST, ...on(2) }, { market: edgeFirst }, PLAN);
}
