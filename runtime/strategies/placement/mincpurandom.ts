/**
 * `mincpurandom` (giraff.md §7, "power of two random choices"): a short random walk collects about
 * `nbPropositionsRequired` (2) candidates, each bidding its CPU utilisation; the market picks the least used.
 */
import { shuffled } from "../../util/seeded-random.ts";
import { REASONS, type PlacementStrategy } from "../types.ts";
import { merge, otherNeighbours, ownAnswer, refusal, refused, safeAsk, screen } from "./common.ts";

/** What the market sends; used when a request carries no `nbPropositionsRequired`. */
export const DEFAULT_PROPOSITIONS_REQUIRED = 2;

export const mincpurandom: PlacementStrategy = {
  name: "mincpurandom",
  marketRule: "mincpurandom",
  forcedValuation: "cpu-utilisation",
  async handle(ctx) {
    let required = ctx.request.nbPropositionsRequired ?? DEFAULT_PROPOSITIONS_REQUIRED;
    if (required <= 0) {
      return refused(refusal(ctx.self.id, REASONS.strategyDeclined, "nbPropositionsRequired is 0"));
    }
    const own = ownAnswer(ctx);
    required -= own.bids.length;
    // FIX: GIRAFF shuffles all neighbours and skips the sender only after picking, wasting a slot of the walk;
    // we drop the sender before picking.
    const candidates = shuffled(otherNeighbours(ctx), () => ctx.random());
    if (required <= 0 || candidates.length === 0) return own;
    const quota = required <= candidates.length ? 1 : Math.ceil(required / candidates.length);
    // As in GIRAFF, the latency check comes after the pick: an infeasible pick is a refusal and costs its slot.
    const { targets, refusals } = screen(ctx, candidates.slice(0, required), { nbPropositionsRequired: quota });
    // FIX: GIRAFF uses try_join_all, so one failing neighbour aborts the whole answer. safeAsk turns a failure
    // into a refusal for that neighbour and the others' proposals are kept.
    const answers = await Promise.all(targets.map((t) => safeAsk(ctx, t.neighbour.id, t.request)));
    return merge(own, refused(...refusals), ...answers);
  },
};
