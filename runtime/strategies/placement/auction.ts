/**
 * `auction` (GIRAFF, giraff.md §6–§7): bid on itself and flood the call to every latency-feasible neighbour but
 * the sender, then answer with the union. On a tree this visits each node within the latency budget once; the
 * market runs a second-price reverse auction over everything collected.
 */
import type { BidProposals, PlacementStrategy, StrategyContext } from "../types.ts";
import { merge, otherNeighbours, ownAnswer, refused, safeAsk, screen } from "./common.ts";

/** Own answer ∪ answers of all feasible neighbours (asked in parallel) ∪ refusals of the infeasible ones. */
export async function flood(ctx: StrategyContext): Promise<BidProposals> {
  // bidSelf is synchronous, so "in parallel with the flood" needs no Promise: it is done before the first await.
  const own = ownAnswer(ctx);
  const { targets, refusals } = screen(ctx, otherNeighbours(ctx));
  const answers = await Promise.all(targets.map((t) => safeAsk(ctx, t.neighbour.id, t.request)));
  return merge(own, refused(...refusals), ...answers);
}

export const auction: PlacementStrategy = {
  name: "auction",
  marketRule: "second-price",
  handle: flood,
};
