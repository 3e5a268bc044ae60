/**
 * `cloud-only` v1 (giraff.md §7; disabled in GIRAFF, rebuilt here as a baseline): every node passes the call to
 * its parent, unchanged and unchecked, until the root, which is the only node that bids.
 */
import { REASONS, type PlacementStrategy } from "../types.ts";
import { forwarded, merge, ownAnswer, refusal, refused, safeAsk } from "./common.ts";

export const cloudOnly: PlacementStrategy = {
  name: "cloud-only",
  marketRule: "second-price",
  async handle(ctx) {
    if (ctx.self.isRoot) return ownAnswer(ctx);
    const parent = ctx.neighbours.find((n) => n.role === "parent");
    const detail = parent === undefined ? "only the root bids, and this node has no parent" : "only the root bids";
    const declined = refused(refusal(ctx.self.id, REASONS.notCloud, detail));
    if (parent === undefined) return declined;
    return merge(declined, await safeAsk(ctx, parent.id, forwarded(ctx, ctx.request.accumulatedLatency)));
  },
};
