/**
 * `edge-ward` v1 (giraff.md §7, after arXiv:1606.02007): a capacity-driven climb toward the cloud. Bid on itself;
 * if it cannot, pass the call to the parent with the accumulated latency unchanged and no latency check.
 */
import type { PlacementStrategy } from "../types.ts";
import { forwarded, merge, ownAnswer, safeAsk } from "./common.ts";

export const edgeWard: PlacementStrategy = {
  name: "edge-ward",
  marketRule: "second-price",
  async handle(ctx) {
    const own = ownAnswer(ctx);
    if (own.bids.length > 0) return own;
    const parent = ctx.neighbours.find((n) => n.role === "parent");
    // The root has nowhere to climb: the answer is empty, with this node's own refusal.
    if (parent === undefined) return own;
    const answer = await safeAsk(ctx, parent.id, forwarded(ctx, ctx.request.accumulatedLatency));
    return merge(own, answer);
  },
};
