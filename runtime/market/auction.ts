/**
 * The auction as a deterministic state machine: `startAuction` → `onBids` → `onPayment`* → done. Inputs are the
 * received messages, the shell's verdicts on signatures, and `now`; outputs are the next effect for the shell to
 * carry out (call for bids, pay a node, finish) and, at the end, the {@link AuctionRecord} that explains it.
 *
 * Payment falls back down the ranking: a winner that refuses (its capacity changed since it bid, or it is gone)
 * is recorded and the next candidate is offered the function, at the price the rule gives that position. A rule
 * without fallback (`withoutFallback`, GIRAFF's behaviour, giraff.md §17.2) refuses the SLA at the first refusal.
 */
import type { EventBody } from "../protocol/events.ts";
import type { BidProposal, BidProposals, Refusal, Sla } from "../protocol/messages.ts";
import { REASONS } from "../strategies/types.ts";
import type { MarketRule } from "./rules.ts";

/**
 * What the market concluded about a bid's signature. Only "valid" bids compete. "duplicate": a later copy of a
 * valid bid in the same answer (the first copy keeps its verdict; the node that answered is named for the copy).
 */
export type Verdict = "valid" | "forged" | "replayed" | "unsigned" | "unknown-node" | "duplicate";

/** The shell's checks of an answer: a verdict per bid, and whether each refusal is authenticated, in answer order. */
export interface Judgement {
  bids: readonly Verdict[];
  /** Missing entries count as authenticated. */
  refusals?: readonly boolean[];
}

/** Reasons the market records about what a node sent rather than about a node's capacity. */
export const RECORD_REASONS = {
  /** A refusal not MAC'd by the node reporting it: recorded, but the auction ignores it. */
  refusalUnauthenticated: "refusal not authenticated",
  /** A bid repeated in an answer: the record names the node whose answer carried the copy. */
  bidDuplicated: REASONS.duplicateBid,
} as const;

export const MARKET_REASONS = {
  noBids: "no bids",
  /** No bids, and at least one node refused only because of its proposal rate: asking again later may succeed. */
  rateLimited: "rate limited",
  noValidBids: "no valid bids",
  allPaymentsFailed: "every candidate refused payment",
  paymentRefused: "the winner refused payment (no fallback)",
  targetUnreachable: "target node unreachable",
  /** The target is known to be down (`liveness.ts`): refused at once, nobody is called. */
  targetDown: "target node down",
  unknownTarget: "unknown target node",
} as const;

export type AuctionRecord = EventBody<"auction_result">;

export type AuctionEffect =
  | { kind: "call-for-bids"; targetNode: string }
  | { kind: "pay"; nodeId: string; bidId: string; price: number }
  | { kind: "done"; record: AuctionRecord };

interface Common {
  sla: Sla;
  targetNode: string;
  rule: MarketRule;
  startedAt: number;
}

export type AuctionState =
  | (Common & { phase: "collecting" })
  | (Common & {
      phase: "paying";
      ranking: BidProposal[];
      index: number;
      bids: AuctionRecord["bids"];
      refusals: Refusal[];
      payments: AuctionRecord["paymentAttempts"];
    })
  | (Common & { phase: "done"; record: AuctionRecord });

export interface Step {
  state: AuctionState;
  effect: AuctionEffect;
}

export function startAuction(sla: Sla, targetNode: string, rule: MarketRule, now: number): Step {
  return {
    state: { phase: "collecting", sla, targetNode, rule, startedAt: now },
    effect: { kind: "call-for-bids", targetNode },
  };
}

/** The target's answer arrived (or did not: pass `undefined` answer and a failure reason). */
export function onBids(
  state: AuctionState,
  answer: BidProposals | undefined,
  judgement: Judgement,
  now: number,
  failure?: string,
): Step {
  if (state.phase !== "collecting") throw new Error(`Auction ${state.sla.id} is ${state.phase}, not collecting bids.`);
  const received = answer?.bids ?? [];
  const bids = received.map((b, i) => ({
    nodeId: b.nodeId,
    bidId: b.id,
    bid: b.bid,
    ...(b.price === undefined ? {} : { price: b.price }),
    verdict: judgement.bids[i] ?? "unsigned",
  }));
  const refusals: Refusal[] = [];
  // only a node can say it is rate limited: a neighbour's report of it does not make the auction a 429
  let rateLimited = false;
  (answer?.refusals ?? []).forEach((r, i) => {
    const reported =
      r.detail === undefined
        ? { nodeId: r.nodeId, reason: r.reason }
        : { nodeId: r.nodeId, reason: r.reason, detail: r.detail };
    if (judgement.refusals?.[i] !== false) {
      refusals.push(reported);
      if (r.reason === REASONS.rateLimited && (r.by ?? r.nodeId) === r.nodeId) rateLimited = true;
    } else {
      const by = r.by ?? r.nodeId;
      refusals.push({
        nodeId: r.nodeId,
        reason: RECORD_REASONS.refusalUnauthenticated,
        detail: `ignored: ${by} did not authenticate "${r.reason}"${r.detail === undefined ? "" : ` (${r.detail})`}`,
      });
    }
  });
  for (const b of bids) {
    if (b.verdict === "duplicate") {
      // honest relays drop repeated bids: a copy that reaches the market came with the target's answer
      refusals.push({
        nodeId: state.targetNode,
        reason: RECORD_REASONS.bidDuplicated,
        detail: `bid ${b.bidId} of ${b.nodeId} repeated in the answer of ${state.targetNode}`,
      });
    } else if (b.verdict !== "valid") {
      refusals.push({ nodeId: b.nodeId, reason: `bid ${b.verdict}`, detail: `bid ${b.bidId}` });
    }
  }
  const valid = received.filter((_, i) => judgement.bids[i] === "valid");
  const ranking = state.rule.rank(valid, state.sla.id);
  const paying = { ...state, phase: "paying" as const, ranking, index: 0, bids, refusals, payments: [] };
  if (ranking.length === 0) {
    const reason =
      answer === undefined
        ? MARKET_REASONS.targetUnreachable
        : received.length === 0
          ? rateLimited
            ? MARKET_REASONS.rateLimited
            : MARKET_REASONS.noBids
          : MARKET_REASONS.noValidBids;
    return finish(paying, now, reason, failure);
  }
  return { state: paying, effect: payEffect(paying) };
}

/** The target is known to be down: the auction ends refused, without a call for bids. */
export function onTargetDown(state: AuctionState, now: number, why: string): Step {
  if (state.phase !== "collecting") throw new Error(`Auction ${state.sla.id} is ${state.phase}, not collecting bids.`);
  const paying = { ...state, phase: "paying" as const, ranking: [], index: 0, bids: [], refusals: [], payments: [] };
  return finish(paying, now, MARKET_REASONS.targetDown, why);
}

/** The node offered the function answered the payment. */
export function onPayment(state: AuctionState, ok: boolean, now: number, reason?: string): Step {
  if (state.phase !== "paying") throw new Error(`Auction ${state.sla.id} is ${state.phase}, not paying.`);
  const candidate = state.ranking[state.index]!;
  const payments = [...state.payments, { nodeId: candidate.nodeId, ok, ...(reason === undefined ? {} : { reason }) }];
  if (ok) {
    const price = state.rule.price(state.ranking, state.index);
    const next = { ...state, payments };
    const record = recordOf(next, now, { winner: candidate, price });
    return { state: { ...state, phase: "done", record }, effect: { kind: "done", record } };
  }
  const next = { ...state, payments, index: state.index + 1 };
  if (state.rule.fallback === false) return finish(next, now, MARKET_REASONS.paymentRefused);
  if (next.index >= state.ranking.length) return finish(next, now, MARKET_REASONS.allPaymentsFailed);
  return { state: next, effect: payEffect(next) };
}

function payEffect(state: Extract<AuctionState, { phase: "paying" }>): AuctionEffect {
  const candidate = state.ranking[state.index]!;
  return {
    kind: "pay",
    nodeId: candidate.nodeId,
    bidId: candidate.id,
    price: state.rule.price(state.ranking, state.index),
  };
}

function finish(state: Extract<AuctionState, { phase: "paying" }>, now: number, reason: string, detail?: string): Step {
  const record = recordOf(state, now, { reason, detail });
  return { state: { ...state, phase: "done", record }, effect: { kind: "done", record } };
}

function recordOf(
  state: Extract<AuctionState, { phase: "paying" }>,
  now: number,
  outcome: { winner?: BidProposal; price?: number; reason?: string; detail?: string | undefined },
): AuctionRecord {
  const { winner, price, reason } = outcome;
  return {
    kind: "auction_result",
    slaId: state.sla.id,
    functionName: state.sla.functionLiveName,
    targetNode: state.targetNode,
    rule: state.rule.name,
    startedAt: state.startedAt,
    durationMs: now - state.startedAt,
    outcome: winner === undefined ? "refused" : "awarded",
    ...(reason === undefined ? {} : { reason: outcome.detail ? `${reason}: ${outcome.detail}` : reason }),
    ...(winner === undefined
      ? {}
      : { winner: winner.nodeId, winningBidId: winner.id, winningBid: winner.bid, price: price ?? winner.bid }),
    bids: state.bids,
    refusals: state.refusals,
    paymentAttempts: state.payments,
  };
}
