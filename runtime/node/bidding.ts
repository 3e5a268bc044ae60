/**
 * Answering a call for bids: build the strategy's context (the node's own bid, its neighbours with their latency
 * estimates, a budgeted `ask`) and let the chosen strategy decide. The strategy is pure given this context; all
 * effects (signing, HTTP, events) live here.
 */
import { randomUUID } from "node:crypto";
import { requestJson } from "../http/client.ts";
import { isRemoteError } from "../protocol/errors.ts";
import {
  bidProposalsSchema,
  bidSigningText,
  formatBidRequest,
  type BidProposals,
  type BidRequest,
} from "../protocol/messages.ts";
import { macText } from "../protocol/bid-mac.ts";
import { signText } from "../protocol/signing.ts";
import { parseWith } from "../protocol/validate.ts";
import { REASONS, type NeighbourView, type SelfBid, type StrategyContext } from "../strategies/types.ts";
import { seededRandom } from "../util/seeded-random.ts";
import { deliverLocally, LocalCallTimeout } from "./local-peers.ts";
import type { NodeState } from "./node-state.ts";

export async function answerCallForBids(state: NodeState, request: BidRequest): Promise<BidProposals> {
  const { config, effects } = state;
  const started = performance.now();
  const budget = request.budgetMs ?? config.defaultBudgetMs;
  effects.events.emit({
    kind: "bid_request_seen",
    slaId: request.sla.id,
    nodeId: config.id,
    from: request.nodeOrigin,
    accumulatedMedianMs: request.accumulatedLatency.medianMs,
    accumulatedUncertaintyMs: request.accumulatedLatency.uncertaintyMs,
  });
  return state.strategy.handle(new CallForBids(state, request, budget, started));
}

/**
 * The strategy's view of one call for bids. A class rather than an object of closures: this runs once per node a
 * flood reaches, and per-call closures cost (tsx keeps function names by redefining each closure's `name`).
 */
class CallForBids implements StrategyContext {
  readonly self: StrategyContext["self"];
  readonly neighbours: readonly NeighbourView[];
  readonly latencyModel: StrategyContext["latencyModel"];
  #random: (() => number) | undefined;

  constructor(
    private readonly state: NodeState,
    readonly request: BidRequest,
    private readonly budgetMs: number,
    private readonly startedAt: number,
  ) {
    this.self = { id: state.config.id, isRoot: state.config.situation.kind === "market" };
    this.neighbours = neighbourViews(state);
    this.latencyModel = state.latencyModel;
  }

  bidSelf(): SelfBid {
    return bidSelf(this.state, this.request);
  }

  ask(neighbourId: string, forwarded: BidRequest): Promise<BidProposals> {
    const left = this.budgetMs - (performance.now() - this.startedAt) - this.state.config.hopMarginMs;
    return ask(this.state, neighbourId, forwarded, left);
  }

  random(): number {
    this.#random ??= seededRandom(this.request.sla.id, this.state.config.id);
    return this.#random();
  }
}

function neighbourViews(state: NodeState): NeighbourView[] {
  const views: NeighbourView[] = [];
  for (const n of state.neighbours.values()) {
    views.push({
      id: n.id,
      role: n.role,
      latency: state.monitor.estimator.estimate(n.id),
      bandwidthBps: n.bandwidthBps,
    });
  }
  return views;
}

function bidSelf(state: NodeState, request: BidRequest): SelfBid {
  const { config, effects } = state;
  const sla = request.sla;
  const now = effects.now();
  if (state.table.get(sla.id) !== undefined)
    return decline(state, sla, REASONS.strategyDeclined, "already proposed for this SLA");
  const admission = state.resources.check(sla);
  if (!admission.ok) return decline(state, sla, admission.reason, admission.detail);
  if (!state.limiter.tryAcquire(now))
    return decline(state, sla, REASONS.rateLimited, `max ${config.maxInFlight} proposals per second`);
  const value = state.valuation.value({
    sla,
    resources: state.resources.view(),
    committed: state.resources.committed(now),
    params: config.valuationParams,
  });
  const unsigned = { nodeId: config.id, id: randomUUID(), bid: value.bid, price: value.price };
  const text = bidSigningText(sla.id, unsigned);
  const proposal =
    state.bidKey === undefined
      ? { ...unsigned, signature: signText(effects.keys, text) }
      : { ...unsigned, mac: macText(state.bidKey, text) };
  state.table.propose(sla, { bidId: proposal.id, bid: value.bid, price: value.price }, now);
  effects.events.emit({
    kind: "bid",
    slaId: sla.id,
    functionName: sla.functionLiveName,
    nodeId: config.id,
    bidId: proposal.id,
    bid: value.bid,
    price: value.price,
    strategy: state.strategy.name,
    valuation: state.valuation.name,
  });
  return { kind: "bid", proposal };
}

function decline(state: NodeState, sla: BidRequest["sla"], reason: string, detail?: string): SelfBid {
  state.effects.events.emit({
    kind: "refused",
    scope: "node",
    slaId: sla.id,
    nodeId: state.config.id,
    functionName: sla.functionLiveName,
    reason,
    ...(detail === undefined ? {} : { detail }),
  });
  return detail === undefined ? { kind: "decline", reason } : { kind: "decline", reason, detail };
}

function refusal(neighbourId: string, reason: string, detail: string): BidProposals {
  return { bids: [], refusals: [{ nodeId: neighbourId, reason, detail }] };
}

async function ask(state: NodeState, neighbourId: string, request: BidRequest, leftMs: number): Promise<BidProposals> {
  const neighbour = state.neighbours.get(neighbourId);
  if (neighbour === undefined) return refusal(neighbourId, REASONS.unreachable, "not a neighbour of this node");
  if (leftMs <= 0) return refusal(neighbourId, REASONS.timeout, "no time left in the auction's budget");
  const link = state.effects.linkTo(neighbourId);
  const roundTrip = 2 * (link?.delayMs ?? 0);
  const forwarded = { ...request, budgetMs: Math.max(0, leftMs - roundTrip - state.config.hopMarginMs) };
  const local = state.effects.peers?.lookup(neighbour.url);
  if (local !== undefined) {
    try {
      return await deliverLocally(link, leftMs, forwarded, (r) => local.callForBids(r));
    } catch (err) {
      const timedOut = err instanceof LocalCallTimeout;
      return refusal(neighbourId, timedOut ? REASONS.timeout : REASONS.badAnswer, (err as Error).message);
    }
  }
  try {
    const { json } = await requestJson(`${neighbour.url}/api/bid`, {
      method: "POST",
      body: formatBidRequest(forwarded),
      timeoutMs: leftMs,
      link,
    });
    return parseWith(bidProposalsSchema, json, "bids");
  } catch (err) {
    if (isRemoteError(err)) {
      const reason = err.timedOut
        ? REASONS.timeout
        : err.status === undefined
          ? REASONS.unreachable
          : REASONS.badAnswer;
      return refusal(neighbourId, reason, err.message);
    }
    return refusal(neighbourId, REASONS.badAnswer, err instanceof Error ? err.message : String(err));
  }
}
