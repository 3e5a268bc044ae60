/**
 * `edge-first` (giraff.md §7): place as close to the request's origin as possible. Bid on itself if it can;
 * otherwise search feasible neighbours closest first, depth first, and keep the first bid found.
 */
import type { PlacementStrategy } from "../types.ts";
import { merge, otherNeighbours, ownAnswer, refused, screen } from "./common.ts";
import { byDistance, firstBidder } from "./sequential.ts";

export const edgeFirst: PlacementStrategy = {
  name: "edge-first",
  marketRule: "second-price",
  async handle(ctx) {
    const own = ownAnswer(ctx);
    // Neighbours are not considered once this node bids, so they are not refusals either.
    if (own.bids.length > 0) return own;
    const { targets, refusals } = screen(ctx, otherNeighbours(ctx));
    const found = await firstBidder(ctx, byDistance(targets, "closest"));
    return merge(own, refused(...refusals), found);
  },
};
