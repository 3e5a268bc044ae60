/**
 * Answering a call for bids: build the strategy's context (the node's own bid, its neighbours with their latency
 * estimates, a budgeted `ask`) and let the chosen strategy decide. The strategy is pure given this context; all
 * effects (signing, HTTP, events) live here.
 *
 * Authentication (`protocol/endpoint-auth.ts`): a call is answered only when MAC'd by the market (under this
 * node's market key) or by a registered neighbour (under their link key); anything else is refused before any
 * work, so a forged call is never flooded. Forwarded calls are MAC'd for each neighbour. In each neighbour's answer
 * a bid id already collected is dropped and the neighbour named for it, and refusals this node reports are MAC'd
 * under its market key.
 */
import { randomUUID } from "node:crypto";
import { requestJson } from "../http/client.ts";
import { isRemoteError, ProtocolError } from "../protocol/errors.ts";
import { callSigningText, refusalSigningText } from "../protocol/endpoint-auth.ts";
import {
  bidProposalsSchema,
  bidSigningText,
  formatBidRequest,
  type BidProposals,
  type BidRequest,
  type Refusal,
} from "../protocol/messages.ts";
import { macText } from "../protocol/bid-mac.ts";
import { signText } from "../protocol/signing.ts";
import { parseWith } from "../protocol/validate.ts";
import { REASONS, type NeighbourView, type SelfBid, type StrategyContext } from "../strategies/types.ts";
import { seededRandom } from "../util/seeded-random.ts";
import { deliverLocally, LocalCallTimeout } from "../in-process/local-peers.ts";
import type { NodeState } from "./node-state.ts";

/**
 * `POST /api/bid`, or the same call from the market or a node of this process (`local-peers.ts`): a function call,
 * with no wire in between to authenticate, which only code of this process can make.
 */
export async function answerCallForBids(
  state: NodeState,
  request: BidRequest,
  from: "wire" | "this process" = "wire",
): Promise<BidProposals> {
  const { config, effects } = state;
  const started = performance.now();
  if (from === "wire") authenticateCall(state, request);
  const budget = request.budgetMs ?? config.defaultBudgetMs;
  effects.events.emit({
    kind: "bid_request_seen",
    slaId: request.sla.id,
    nodeId: config.id,
    from: request.nodeOrigin,
    accumulatedMedianMs: request.accumulatedLatency.medianMs,
    accumulatedUncertaintyMs: request.accumulatedLatency.uncertaintyMs,
  });
  const answer = await state.strategy.handle(new CallForBids(state, request, budget, started));
  return signRefusals(state, request.sla.id, answer);
}

/** Throws (401, or 403 for a sender that is neither the market nor a neighbour) unless the call is authentic. */
function authenticateCall(state: NodeState, request: BidRequest): void {
  const { config, effects } = state;
  const fromMarket = request.nodeOrigin === config.id;
  const neighbour = fromMarket ? undefined : state.neighbours.get(request.nodeOrigin);
  const key = fromMarket ? state.bidKey : neighbour?.linkKey;
  if (effects.auth.verify(key, () => callSigningText(config.id, request), request.mac)) return;
  const known = fromMarket || neighbour !== undefined;
  throw new ProtocolError({
    field: "mac",
    rule: known
      ? `a MAC of the call under the key ${fromMarket ? "this node agreed with the market" : `of the link with ${request.nodeOrigin}`}`
      : "a call from the market or a registered neighbour of this node",
    value: known ? request.mac : request.nodeOrigin,
    status: known ? 401 : 403,
  });
}

/** MACs, under this node's market key, the refusals this node reports (those no neighbour reported). */
function signRefusals(state: NodeState, slaId: string, answer: BidProposals): BidProposals {
  const { config, effects } = state;
  if (effects.auth.name === "none" || answer.refusals === undefined) return answer;
  let refusals: Refusal[] | undefined;
  for (let i = 0; i < answer.refusals.length; i++) {
    const r = answer.refusals[i]!;
    if (r.by !== undefined) {
      if (refusals !== undefined) refusals.push(r);
      continue;
    }
    refusals ??= answer.refusals.slice(0, i);
    const own = { ...r, by: config.id };
    const mac = effects.auth.mac(state.bidKey, () => refusalSigningText(slaId, own));
    refusals.push(mac === undefined ? own : { ...own, mac });
  }
  return refusals === undefined ? answer : { bids: answer.bids, refusals };
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
  /** Bid ids collected so far in this call: a repeated one is dropped. */
  readonly #seen = new Set<string>();

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
    const self = bidSelf(this.state, this.request);
    if (self.kind === "bid") this.#seen.add(self.proposal.id);
    return self;
  }

  async ask(neighbourId: string, forwarded: BidRequest): Promise<BidProposals> {
    const left = this.budgetMs - (performance.now() - this.startedAt) - this.state.config.hopMarginMs;
    return this.#screen(neighbourId, await ask(this.state, neighbourId, forwarded, left));
  }

  /**
   * A neighbour's answer as this node passes it on: a bid id already collected is dropped, with a refusal naming
   * the neighbour (not the bidder, whose first copy stands).
   */
  #screen(from: string, answer: BidProposals): BidProposals {
    let bids: BidProposals["bids"] | undefined;
    let duplicates: Refusal[] | undefined;
    for (let i = 0; i < answer.bids.length; i++) {
      const bid = answer.bids[i]!;
      if (!this.#seen.has(bid.id)) {
        this.#seen.add(bid.id);
        bids?.push(bid);
        continue;
      }
      bids ??= answer.bids.slice(0, i);
      duplicates ??= [];
      duplicates.push({
        nodeId: from,
        reason: REASONS.duplicateBid,
        detail: `bid ${bid.id} of ${bid.nodeId} repeated in the answer of ${from}, dropped by ${this.self.id}`,
      });
    }
    if (bids === undefined) return answer;
    return { bids, refusals: [...(answer.refusals ?? []), ...(duplicates ?? [])] };
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

/**
 * A neighbour's answer: a refusal in it that nobody MAC'd is marked as reported by the neighbour, so that this
 * node never vouches for it (it MACs only the refusals it reports itself, those without `by`).
 */
function received(state: NodeState, from: string, answer: BidProposals): BidProposals {
  const refusals = answer.refusals;
  if (state.effects.auth.name === "none" || refusals === undefined || refusals.every((r) => r.mac !== undefined)) {
    return answer;
  }
  return { bids: answer.bids, refusals: refusals.map((r) => (r.mac === undefined ? { ...r, by: from } : r)) };
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
  const budgetMs = Math.max(0, leftMs - roundTrip - state.config.hopMarginMs);
  const unsigned = { ...request, budgetMs, mac: undefined };
  const local = state.effects.peers?.lookup(neighbour.url);
  if (local !== undefined) {
    // a function call inside this process: nothing on a wire to authenticate
    try {
      return received(state, neighbourId, await deliverLocally(link, leftMs, unsigned, (r) => local.callForBids(r)));
    } catch (err) {
      const timedOut = err instanceof LocalCallTimeout;
      return refusal(neighbourId, timedOut ? REASONS.timeout : REASONS.badAnswer, (err as Error).message);
    }
  }
  const mac = state.effects.auth.mac(neighbour.linkKey, () => callSigningText(neighbourId, unsigned));
  try {
    const { json } = await requestJson(`${neighbour.url}/api/bid`, {
      method: "POST",
      body: formatBidRequest(mac === undefined ? unsigned : { ...unsigned, mac }),
      timeoutMs: leftMs,
      link,
    });
    return received(state, neighbourId, parseWith(bidProposalsSchema, json, "bids"));
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
