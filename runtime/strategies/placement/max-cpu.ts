/**
 * `max-cpu` (GIRAFF's `maxcpu`, giraff.md §7): consolidation. Flood like the auction, bidding CPU utilisation,
 * and at every node keep only the {@link MAX_CPU_KEEP} *most* utilised bids; the market picks one at random.
 *
 * GIRAFF's Cargo comment says "2 least CPU-utilized", but its code sorts descending and keeps the most utilised
 * (§17.14). We follow the code and the name. GIRAFF also aborts on a neighbour error; we keep the others.
 */
import { REASONS, type BidProposal, type PlacementStrategy } from "../types.ts";
import { flood } from "./auction.ts";
import { refusal } from "./common.ts";

export const MAX_CPU_KEEP = 2;

/** Highest bid first; ties broken by node id then bid id so every run keeps the same two. */
function mostUtilisedFirst(a: BidProposal, b: BidProposal): number {
  return b.bid - a.bid || compare(a.nodeId, b.nodeId) || compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const maxCpu: PlacementStrategy = {
  name: "max-cpu",
  marketRule: "random",
  forcedValuation: "cpu-utilisation",
  async handle(ctx) {
    const all = await flood(ctx);
    const ranked = [...all.bids].sort(mostUtilisedFirst);
    const dropped = ranked.slice(MAX_CPU_KEEP).map((b) => {
      return refusal(
        b.nodeId,
        REASONS.dropped,
        `bid ${b.bid} at ${ctx.self.id}: not among the ${MAX_CPU_KEEP} most utilised`,
      );
    });
    return { bids: ranked.slice(0, MAX_CPU_KEEP), refusals: [...(all.refusals ?? []), ...dropped] };
  },
};
