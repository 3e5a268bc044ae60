/**
 * Hand-made campaigns for the paper claims (views/20-paper_claims.sql), one per verdict outcome; the expected values,
 * worked out by hand, live in views-claims.test.ts. Every chain has one function (bound 100 ms, target and winner
 * n1), so a chain's spending is its winner's own bid and its SLA id is its pseudo-chain. Runs of one repetition
 * share a plan (params equal but the strategy), so the auction's runs pair with the baselines' of the same one.
 * Built from fixtures.ts's event helpers.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { awarded, bid, F1, hop, sla, submit, writeRun, type Line } from "./fixtures.ts";

/** One chain of a run: its winner's own bid (none: the auction was refused, so unplaced) and its requests. */
export interface ClaimChain {
  price?: number;
  /** The in-flight time (ms) of each request's function hop; on time up to 101 ms. */
  inFlight?: number[];
}

const strategy = (name: string) => ({ strategy: name, valuation: "quadratic", marketRule: "second-price" });

/** Writes run `key` of `strategyName` on the plan of `repetition`: chains c1, c2, … as `chains` says. */
export function writeClaimRun(
  campaign: string,
  key: string,
  strategyName: string,
  repetition: number,
  chains: readonly ClaimChain[],
): void {
  const market: Line[] = [];
  const nodes: Line[] = [];
  const replay: Line[] = [];
  const iot: Line[] = [];
  chains.forEach((chain, i) => {
    const chainId = `c${i + 1}`;
    const slaId = `${key}-${chainId}`;
    market.push(sla(slaId, F1, 100, 10 + i));
    if (chain.price !== undefined) {
      market.push(awarded(slaId, F1, 20 + i, 5, ["n1", `b-${slaId}`, chain.price, chain.price]));
      nodes.push(bid(slaId, "n1", `b-${slaId}`, chain.price, chain.price));
    }
    replay.push(submit(chainId, 0, slaId));
    (chain.inFlight ?? []).forEach((ms, j) => {
      const rx = 1000 * (i + 1) + 300 * j;
      iot.push(
        hop(`${slaId}-r${j}`, slaId, true, rx, rx + 250),
        hop(`${slaId}-r${j}`, slaId, false, rx + ms, rx + ms + 5),
      );
    });
  });
  const plan = {
    version: 1,
    chains: chains.map((_, i) => ({
      id: `c${i + 1}`,
      pipeline: "x",
      targetNodeId: "n1",
      arrivalS: 0,
      durationMs: 60000,
      functions: [{ index: 0, name: `c${i + 1}-f0`, latencyMaxMs: 100 }],
    })),
  };
  const params = { strategy: strategy(strategyName), size: 1, repetition, variation: "base" };
  writeRun(campaign, key, params, { market, "nodes-0": nodes, replay, iot }, plan);
}

/** Chains with these prices, each with one request of in-flight `ms` (or per chain from `inFlight`). */
const chains = (prices: (number | undefined)[], inFlight: number | (number | undefined)[]): ClaimChain[] =>
  prices.map((price, i) => {
    const ms = typeof inFlight === "number" ? inFlight : inFlight[i];
    return { price, inFlight: ms === undefined ? [] : [ms] };
  });

/**
 * Every claim reproduced: the auction against edge-first on two plans.
 * - Spending per chain: auction 1 each; edge-first 5, 4, 5 then 4, 5, 4 (ratios 0.2, 0.25, 0.2, 0.25, 0.2, 0.25).
 * - SLA violations: the auction none; edge-first's third chain late (150 ms) on both plans: 1 of 3 = 33.3 %.
 * - Nothing unplaced. The auction's hops take 5 ms (plan 1) and 6 ms (plan 2).
 */
export function writeClaimsReproducedCampaign(campaign: string): void {
  writeClaimRun(campaign, "repA1", "auction", 1, chains([1, 1, 1], 5));
  writeClaimRun(campaign, "repA2", "auction", 2, chains([1, 1, 1], 6));
  writeClaimRun(campaign, "repE1", "edge-first", 1, chains([5, 4, 5], [5, 5, 150]));
  writeClaimRun(campaign, "repE2", "edge-first", 2, chains([4, 5, 4], [5, 5, 150]));
}

/**
 * Every claim not reproduced: the auction against edge-first on two plans.
 * - Spending: auction 4, 5, 4 then 5, 4, 5 and its fourth chain refused; edge-first 5 each, 1 for the fourth
 *   (ratios 0.8, 1, 0.8, 1, 0.8, 1; the fourth chain excluded).
 * - SLA violations: every auction hop late (150 ms, then 152 ms): 100 %; edge-first none.
 * - Unplaced: the auction 1 of 4 = 25 %, edge-first none.
 */
export function writeClaimsNotReproducedCampaign(campaign: string): void {
  writeClaimRun(campaign, "notA1", "auction", 1, chains([4, 5, 4, undefined], 150));
  writeClaimRun(campaign, "notA2", "auction", 2, chains([5, 4, 5, undefined], 152));
  writeClaimRun(campaign, "notE1", "edge-first", 1, chains([5, 5, 5, 1], 5));
  writeClaimRun(campaign, "notE2", "edge-first", 2, chains([5, 5, 5, 1], 5));
}

/**
 * Mixed: the not-reproduced campaign plus edge-ward on both plans, five times the auction's price on every chain
 * (ratios 0.2) with the auction's own quality (every hop late, the fourth chain refused): the auction saves three
 * times against one baseline but matches only one of the two.
 */
export function writeClaimsMixedCampaign(campaign: string): void {
  writeClaimsNotReproducedCampaign(campaign);
  writeClaimRun(campaign, "mixC1", "edge-ward", 1, chains([20, 25, 20, undefined], 150));
  writeClaimRun(campaign, "mixC2", "edge-ward", 2, chains([25, 20, 25, undefined], 150));
}

/**
 * Inconclusive: one plan only, so one run pair per baseline and one auction run (no interval).
 * - Spending: auction 1, 3; edge-first 5, 5 (ratios 0.2, 0.6); edge-ward 0.5, 1.5 (ratios 2, 2).
 * - Every hop 5 ms, nothing unplaced.
 * - cloud-only, ours and not a baseline of the papers, 100 and 300 (ratios 0.01, 0.01): it would reproduce "up to
 *   three times" on its own if it counted.
 */
export function writeClaimsInconclusiveCampaign(campaign: string): void {
  writeClaimRun(campaign, "incA", "auction", 1, chains([1, 3], 5));
  writeClaimRun(campaign, "incE", "edge-first", 1, chains([5, 5], 5));
  writeClaimRun(campaign, "incC", "edge-ward", 1, chains([0.5, 1.5], 5));
  writeClaimRun(campaign, "incX", "cloud-only", 1, chains([100, 300], 5));
}

/**
 * Means disagree: one plan, six chains. The auction spends 0.1 on five chains and 30 on the sixth, edge-first 10 and
 * 40: ratios 0.01 five times and 0.75, so the geometric mean is far below 1/3 with its interval below 1, but the
 * totals are (0.5 + 30) / 90 = 0.338889, above it: GIRAFF's mean spending per chain would not show three times less.
 */
export function writeClaimsMeansDisagreeCampaign(campaign: string): void {
  writeClaimRun(campaign, "mdA", "auction", 1, chains([0.1, 0.1, 0.1, 0.1, 0.1, 30], 5));
  writeClaimRun(campaign, "mdE", "edge-first", 1, chains([10, 10, 10, 10, 10, 40], 5));
}

/** Not comparable: the auction and edge-first on different plans (never paired), and no request at all. */
export function writeClaimsNotComparableCampaign(campaign: string): void {
  writeClaimRun(campaign, "ncA", "auction", 1, chains([1], []));
  writeClaimRun(campaign, "ncE", "edge-first", 2, chains([5], []));
}

/** The campaign.json a campaign run writes (run-campaign.ts describeCampaign), with this commit. */
export function writeCampaignRecord(campaign: string, name: string, gitCommit: string | null): void {
  const record = { campaign: { name }, runs: [], gitCommit, packageLockSha256: null, node: "v20.0.0" };
  writeFileSync(join(campaign, "campaign.json"), JSON.stringify(record));
}
