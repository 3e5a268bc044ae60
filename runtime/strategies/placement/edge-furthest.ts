/**
 * `edge-furthest` (giraff.md §7): push the function as far from the origin as the latency budget allows,
 * keeping close nodes free for tighter SLAs. Search feasible neighbours furthest first; bid on itself only if
 * none of them yields a bid.
 */
import { REASONS, type PlacementStrategy } from "../types.ts";
import { merge, otherNeighbours, ownAnswer, refusal, refused, screen } from "./common.ts";
import { byDistance, firstBidder } from "./sequential.ts";

export const edgeFurthest: PlacementStrategy = {
  name: "edge-furthest",
  marketRule: "second-price",
  async handle(ctx) {
    const { targets, refusals } = screen(ctx, otherNeighbours(ctx));
    const found = await firstBidder(ctx, byDistance(targets, "furthest"));
    if (found.bids.length > 0) {
      const self = refusal(ctx.self.id, REASONS.strategyDeclined, "a node further away bid");
      return merge(refused(self, ...refusals), found);
    }
    // bidSelf only now: it records a Proposed function, which would be wasted if a further node had bid.
    return merge(ownAnswer(ctx), refused(...refusals), found);
  },
};
