/**
 * `mincpurandom` (giraff.md §7, "power of two random choices"): a short random walk collects about
 * `nbPropositionsRequired` (2) candidates, each bidding its CPU utilisation; the market picks the least used.
 */
import { shuffled } from "../../util/seeded-random.ts";
import { REASONS, type PlacementStrategy } from "../types.ts";
import { merge, otherNeighbours, ownAnswer, refusal, refused, safeAsk, screen } from "./common.ts";

/** What the market sends; used when a request carries no `nbPropositionsRequired`. */
export const DEFAULT_PROPOSITIONS_REQUIRED = 2;

export interface WalkOptions {
  /**
   * GIRAFF shuffles all neighbours, sender included, and skips the sender only after picking, so a pick of the
   * sender wastes a slot of the walk (true). Ours drops the sender before picking (false).
   */
  senderTakesSlot: boolean;
}

/** The walk with its sender rule; {@link mincpurandom} is ours, `senderTakesSlot: true` is GIRAFF's. */
export function mincpurandomWalk(options: WalkOptions, name = "mincpurandom"): PlacementStrategy {
  return {
    name,
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
      const pool = options.senderTakesSlot ? ctx.neighbours : otherNeighbours(ctx);
      const candidates = shuffled(pool, () => ctx.random());
      if (required <= 0 || candidates.length === 0) return own;
      const quota = required <= candidates.length ? 1 : Math.ceil(required / candidates.length);
      const picked = candidates.slice(0, required).filter((n) => n.id !== ctx.request.nodeOrigin);
      // As in GIRAFF, the latency check comes after the pick: an infeasible pick is a refusal and costs its slot.
      const { targets, refusals } = screen(ctx, picked, { nbPropositionsRequired: quota });
      // FIX: GIRAFF uses try_join_all, so one failing neighbour aborts the whole answer. safeAsk turns a failure
      // into a refusal for that neighbour and the others' proposals are kept.
      const answers = await Promise.all(targets.map((t) => safeAsk(ctx, t.neighbour.id, t.request)));
      return merge(own, refused(...refusals), ...answers);
    },
  };
}

export const mincpurandom: PlacementStrategy = mincpurandomWalk({ senderTakesSlot: false });
