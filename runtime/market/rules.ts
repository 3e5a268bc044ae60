/**
 * Market rules: how verified bids are ranked and what the winner is charged (giraff.md §4.4, §7).
 *
 * - `second-price` (GIRAFF's default): lowest bid wins, pays the second-lowest bid (its own if alone): a reverse
 *   Vickrey auction.
 * - `mincpurandom`: same ranking (bids are CPU utilisation in basis points), but the utilisation is not money, so
 *   the winner is charged its own price. The reference charged the second-lowest *utilisation* as if it were a
 *   price; we charge the node's valuation instead and say so here.
 * - `random` (paired with max-cpu): a uniformly random winner, charged its own price.
 *
 * Ties and shuffles use a generator seeded by the SLA id, so an auction can be replayed exactly.
 *
 * Every rule falls back down its ranking when a winner refuses payment; {@link withoutFallback} gives the same rule
 * without it, as GIRAFF's market behaves (giraff.md §4.4 step 4, §17.2: the SLA is refused).
 */
import type { BidProposal } from "../protocol/messages.ts";
import type { MarketRuleName } from "../strategies/types.ts";
import { hash32, seededRandom, shuffled } from "../util/seeded-random.ts";

export interface MarketRule {
  readonly name: MarketRuleName;
  /** Nodes' call for bids carries `nbPropositionsRequired` when set (the power-of-two-choices walk). */
  readonly nbPropositionsRequired?: number;
  /** Candidates in the order they are offered the function. */
  rank(bids: readonly BidProposal[], slaId: string): BidProposal[];
  /** What the candidate at `index` of `ranking` pays if it accepts. */
  price(ranking: readonly BidProposal[], index: number): number;
  /** False: a refused payment ends the auction (GIRAFF); true or absent: the next candidate is offered the SLA. */
  readonly fallback?: boolean;
}

/** `rule` as GIRAFF's market runs it: the first refused payment refuses the SLA, whoever else bid. */
export function withoutFallback(rule: MarketRule): MarketRule {
  return { ...rule, fallback: false };
}

function byBidThenSeed(slaId: string) {
  return (a: BidProposal, b: BidProposal) =>
    a.bid - b.bid || hash32(`${slaId}/${a.id}`) - hash32(`${slaId}/${b.id}`) || (a.id < b.id ? -1 : 1);
}

const ownPrice = (b: BidProposal) => b.price ?? b.bid;

export const secondPrice: MarketRule = {
  name: "second-price",
  rank: (bids, slaId) => bids.slice().sort(byBidThenSeed(slaId)),
  // after a refusal the next candidate is the winner among the rest, so it pays the one ranked after it
  price: (ranking, index) => (ranking[index + 1] ?? ranking[index]!).bid,
};

export const minCpuRandom: MarketRule = {
  name: "mincpurandom",
  nbPropositionsRequired: 2,
  rank: (bids, slaId) => bids.slice().sort(byBidThenSeed(slaId)),
  price: (ranking, index) => ownPrice(ranking[index]!),
};

export const randomWinner: MarketRule = {
  name: "random",
  rank: (bids, slaId) => shuffled(bids.slice().sort(byBidThenSeed(slaId)), seededRandom(`market/${slaId}`)),
  price: (ranking, index) => ownPrice(ranking[index]!),
};

export const MARKET_RULES: Record<MarketRuleName, MarketRule> = {
  "second-price": secondPrice,
  mincpurandom: minCpuRandom,
  random: randomWinner,
};
