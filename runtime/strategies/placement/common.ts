/**
 * Building blocks shared by the placement strategies: the node's own answer, the neighbour screen, the forwarded
 * request, a never-rejecting ask, and the union of answers.
 */
import { latencyFeasible } from "../feasibility.ts";
import {
  REASONS,
  type AccumulatedLatency,
  type BidProposals,
  type BidRequest,
  type NeighbourView,
  type Refusal,
  type SelfBid,
  type StrategyContext,
} from "../types.ts";

/**
 * The node's own bid as an answer: one proposal, or one refusal naming this node. A throwing valuation (the
 * guard in `valuations/params.ts`) becomes a `valuation failed` refusal, so it cannot cut the flood short.
 */
export function ownAnswer(ctx: StrategyContext): BidProposals {
  let self: SelfBid;
  try {
    self = ctx.bidSelf();
  } catch (error) {
    return refused(
      refusal(ctx.self.id, REASONS.valuationFailed, error instanceof Error ? error.message : String(error)),
    );
  }
  if (self.kind === "bid") return { bids: [self.proposal], refusals: [] };
  return { bids: [], refusals: [refusal(ctx.self.id, self.reason, self.detail)] };
}

/**
 * Neighbours other than the request's sender. The sender is not recorded as a refusal: it is where the request
 * came from, not a candidate that was turned down.
 */
export function otherNeighbours(ctx: StrategyContext): NeighbourView[] {
  return ctx.neighbours.filter((n) => n.id !== ctx.request.nodeOrigin);
}

export interface Target {
  neighbour: NeighbourView;
  request: BidRequest;
}

/**
 * Splits `neighbours` into latency-feasible targets (with their forwarded request, plus `extra` fields) and
 * reasoned refusals, keeping their order.
 */
export function screen(ctx: StrategyContext, neighbours: readonly NeighbourView[], extra: Partial<BidRequest> = {}) {
  const targets: Target[] = [];
  const refusals: Refusal[] = [];
  for (const neighbour of neighbours) {
    const check = latencyFeasible(neighbour, ctx.request.accumulatedLatency, ctx.request.sla, ctx.latencyModel);
    if (check.ok) targets.push({ neighbour, request: forwarded(ctx, check.acc, extra) });
    else refusals.push(refusal(neighbour.id, check.reason, check.detail));
  }
  return { targets, refusals };
}

/**
 * The request a node sends on: same SLA, this node as origin, the given accumulated latency. `budgetMs` and
 * `nbPropositionsRequired` pass through unchanged unless overridden (the shell shortens the budget).
 */
export function forwarded(ctx: StrategyContext, acc: AccumulatedLatency, extra: Partial<BidRequest> = {}): BidRequest {
  return { ...ctx.request, nodeOrigin: ctx.self.id, accumulatedLatency: acc, ...extra };
}

/** `ctx.ask` should never reject; if it does anyway, the neighbour becomes a refusal instead of failing the node. */
export async function safeAsk(ctx: StrategyContext, neighbourId: string, request: BidRequest): Promise<BidProposals> {
  try {
    return await ctx.ask(neighbourId, request);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { bids: [], refusals: [refusal(neighbourId, REASONS.unreachable, detail)] };
  }
}

/** Union of answers, in argument order (deterministic given deterministic inputs). */
export function merge(...answers: BidProposals[]): BidProposals {
  // plain loops: this runs at every node a flood reaches, on lists that grow towards the root
  const bids: BidProposals["bids"] = [];
  const refusals: Refusal[] = [];
  for (const answer of answers) {
    for (const bid of answer.bids) bids.push(bid);
    if (answer.refusals !== undefined) for (const r of answer.refusals) refusals.push(r);
  }
  return { bids, refusals };
}

export function refusal(nodeId: string, reason: string, detail?: string): Refusal {
  return detail === undefined ? { nodeId, reason } : { nodeId, reason, detail };
}

/** An answer with only refusals. */
export function refused(...refusals: Refusal[]): BidProposals {
  return { bids: [], refusals };
}
