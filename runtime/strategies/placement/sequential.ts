/**
 * The sequential search shared by `edge-first` and `edge-furthest`: ask neighbours one at a time in order of
 * distance, stop at the first that answers with a bid.
 */
import { REASONS, type BidProposals, type Refusal, type StrategyContext } from "../types.ts";
import { refusal, safeAsk, type Target } from "./common.ts";

/** Targets ordered by accumulated median to them; ties keep the neighbour order (the sort is stable). */
export function byDistance(targets: readonly Target[], order: "closest" | "furthest"): Target[] {
  const sign = order === "closest" ? 1 : -1;
  return [...targets].sort(
    (a, b) => sign * (a.request.accumulatedLatency.medianMs - b.request.accumulatedLatency.medianMs),
  );
}

/**
 * Asks `targets` in order and keeps the first non-empty answer's *last* proposal, as GIRAFF does. Other
 * proposals of that answer are recorded as dropped; refusals of every asked neighbour are kept.
 */
export async function firstBidder(ctx: StrategyContext, targets: readonly Target[]): Promise<BidProposals> {
  const refusals: Refusal[] = [];
  for (const { neighbour, request } of targets) {
    const answer = await safeAsk(ctx, neighbour.id, request);
    refusals.push(...(answer.refusals ?? []));
    const last = answer.bids.at(-1);
    if (last !== undefined) {
      const others = answer.bids.slice(0, -1);
      refusals.push(
        ...others.map((b) => refusal(b.nodeId, REASONS.dropped, `only the last proposal from ${neighbour.id} is kept`)),
      );
      return { bids: [last], refusals };
    }
  }
  return { bids: [], refusals };
}
