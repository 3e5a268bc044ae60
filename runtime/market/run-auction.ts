/**
 * The shell around the auction state machine: asks the target node for bids, judges signatures, pays candidates
 * in ranked order, and records the outcome. Every call has a timeout; nothing here throws for a node's failure,
 * which becomes part of the record instead.
 */
import { ProtocolError, RemoteError } from "../protocol/errors.ts";
import { deliverLocally, LocalCallTimeout } from "../in-process/local-peers.ts";
import { requestJson } from "../http/client.ts";
import {
  acceptAckSchema,
  acceptSigningText,
  bidProposalsSchema,
  formatBidRequest,
  ZERO_LATENCY,
  type AcceptAck,
  type AcceptedBid,
  type BidProposals,
  type BidRequest,
  type Sla,
} from "../protocol/messages.ts";
import { verifyMac } from "../protocol/bid-mac.ts";
import { callSigningText, paymentSigningText } from "../protocol/endpoint-auth.ts";
import { verifyText } from "../protocol/signing.ts";
import { parseWith } from "../protocol/validate.ts";
import {
  MARKET_REASONS,
  onBids,
  onPayment,
  onTargetDown,
  startAuction,
  type AuctionRecord,
  type Step,
} from "./auction.ts";
import type { MarketState } from "./market.ts";
import { MARKET_RULES, withoutFallback } from "./rules.ts";

/** Margin kept by the market for its own work when telling the target how long it may take. */
const BUDGET_MARGIN_MS = 50;

export async function runAuction(state: MarketState, sla: Sla, targetNode: string): Promise<AuctionRecord> {
  const { opts, registry } = state;
  const rule = opts.paymentFallback ? MARKET_RULES[opts.rule] : withoutFallback(MARKET_RULES[opts.rule]);
  opts.events.emit({
    kind: "sla_submitted",
    slaId: sla.id,
    functionName: sla.functionLiveName,
    targetNode,
    memoryBytes: sla.memoryBytes,
    cpuMilli: sla.cpuMilli,
    latencyMaxMs: sla.latencyMaxMs,
    durationMs: sla.durationMs,
    inputMaxSizeBytes: sla.inputMaxSizeBytes,
    replicas: sla.replicas,
  });
  let step: Step = startAuction(sla, targetNode, rule, opts.now());
  let acceptedPrice = 0;
  for (;;) {
    const effect = step.effect;
    const down = effect.kind === "call-for-bids" ? state.liveness.downNode(effect.targetNode) : undefined;
    if (down !== undefined) {
      step = onTargetDown(step.state, opts.now(), down.reason);
    } else if (effect.kind === "call-for-bids") {
      const { answer, failure } = await callForBids(state, sla, effect.targetNode, rule.nbPropositionsRequired);
      const judgement = state.verifier.judge(sla.id, answer?.bids ?? [], answer?.refusals ?? []);
      step = onBids(step.state, answer, judgement, opts.now(), failure);
    } else if (effect.kind === "pay") {
      const outcome = await pay(state, sla.id, effect.nodeId, effect.bidId, effect.price);
      acceptedPrice = effect.price;
      step = onPayment(step.state, outcome.ok, opts.now(), outcome.reason);
    } else {
      const record = effect.record;
      state.records.set(sla.id, record);
      opts.events.emit(record);
      if (record.outcome === "awarded") {
        const winner = registry.get(record.winner!)!;
        const accepted: AcceptedBid = {
          chosen: {
            bid: { nodeId: winner.id, id: record.winningBidId!, bid: record.winningBid! },
            ip: winner.ip,
            port: winner.portFaas,
            price: acceptedPrice,
          },
          proposals: {
            bids: record.bids
              .filter((b) => b.verdict === "valid")
              .map((b) => ({ nodeId: b.nodeId, id: b.bidId, bid: b.bid })),
          },
          sla,
        };
        state.awards.set(sla.id, { sla, nodeId: winner.id, accepted, record, expiresAt: opts.now() + sla.durationMs });
      } else {
        opts.events.emit({
          kind: "refused",
          scope: "market",
          slaId: sla.id,
          functionName: sla.functionLiveName,
          reason: record.reason ?? "refused",
        });
      }
      for (const b of record.bids) {
        if (b.verdict === "valid") continue;
        opts.events.emit({
          kind: "refused",
          scope: "market",
          slaId: sla.id,
          nodeId: b.nodeId,
          functionName: sla.functionLiveName,
          reason: `bid ${b.verdict}`,
          detail: `bid ${b.bidId}`,
        });
      }
      return record;
    }
  }
}

async function callForBids(
  state: MarketState,
  sla: Sla,
  targetNode: string,
  nbPropositionsRequired: number | undefined,
): Promise<{ answer: BidProposals | undefined; failure?: string }> {
  const { opts, registry } = state;
  const target = registry.get(targetNode);
  if (target === undefined) return { answer: undefined, failure: MARKET_REASONS.unknownTarget };
  const base = `http://${target.ip}:${target.portHttp}`;
  const unsigned: BidRequest = {
    nodeOrigin: targetNode,
    sla,
    accumulatedLatency: ZERO_LATENCY,
    nbPropositionsRequired,
    budgetMs: Math.max(0, opts.bidTimeoutMs - BUDGET_MARGIN_MS),
  };
  const local = opts.peers?.lookup(base);
  try {
    if (local !== undefined) {
      // a function call inside this process: nothing on a wire to authenticate
      const link = opts.linkTo?.(targetNode);
      return { answer: await deliverLocally(link, opts.bidTimeoutMs, unsigned, (r) => local.callForBids(r)) };
    }
    // the market calls with the target's own id as origin, MAC'd under the target's market key
    const mac = opts.endpointAuth.mac(target.bidKey, () => callSigningText(targetNode, unsigned));
    const { json } = await requestJson(`${base}/api/bid`, {
      method: "POST",
      body: formatBidRequest(mac === undefined ? unsigned : { ...unsigned, mac }),
      timeoutMs: opts.bidTimeoutMs,
      link: opts.linkTo?.(targetNode),
    });
    return { answer: parseWith(bidProposalsSchema, json, "bids") };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    opts.logger.warn(`Call for bids on SLA ${sla.id} at ${targetNode} failed: ${message}`);
    return { answer: undefined, failure: message };
  }
}

async function pay(
  state: MarketState,
  slaId: string,
  nodeId: string,
  bidId: string,
  price: number,
): Promise<{ ok: boolean; reason?: string }> {
  const { opts, registry } = state;
  const node = registry.get(nodeId);
  if (node === undefined) return { ok: false, reason: "unknown node" };
  const down = state.liveness.downNode(nodeId);
  if (down !== undefined) return { ok: false, reason: `node down: ${down.reason}` };
  const base = `http://${node.ip}:${node.portHttp}`;
  const mac = opts.endpointAuth.mac(node.bidKey, () => paymentSigningText(slaId, nodeId, bidId, price));
  const body = mac === undefined ? { bidId, price } : { bidId, price, mac };
  const local = opts.peers?.lookup(base);
  if (local !== undefined) {
    try {
      const ack = await deliverLocally(opts.linkTo?.(nodeId), opts.paymentTimeoutMs, body, async (b) =>
        local.accept(slaId, b),
      );
      return judgeAck(state, ack, slaId, nodeId, bidId);
    } catch (err) {
      if (err instanceof LocalCallTimeout) return { ok: false, reason: "timeout" };
      const status = err instanceof ProtocolError ? ` (${err.status})` : "";
      return { ok: false, reason: `refused${status}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  const url = `${base}/api/accept/${encodeURIComponent(slaId)}`;
  try {
    const { json } = await requestJson(url, {
      method: "POST",
      body,
      timeoutMs: opts.paymentTimeoutMs,
      link: opts.linkTo?.(nodeId),
    });
    return judgeAck(state, parseWith(acceptAckSchema, json, "accept"), slaId, nodeId, bidId);
  } catch (err) {
    if (err instanceof RemoteError) {
      const reason = err.timedOut
        ? "timeout"
        : err.isUnreachable
          ? "unreachable"
          : `refused (${err.status ?? "error"})`;
      return { ok: false, reason: err.body ? `${reason}: ${summary(err.body)}` : reason };
    }
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Is this the winner's own acknowledgement of this payment? */
function judgeAck(
  state: MarketState,
  ack: AcceptAck,
  slaId: string,
  nodeId: string,
  bidId: string,
): { ok: boolean; reason?: string } {
  if (ack.slaId !== slaId || ack.nodeId !== nodeId || ack.bidId !== bidId) {
    return { ok: false, reason: "acknowledgement for another bid" };
  }
  const key = state.registry.publicKeyOf(nodeId);
  const bidKey = state.registry.bidKeyOf(nodeId);
  const text = acceptSigningText(ack);
  // a node that agreed a bid key MACs its acknowledgement with it; others sign it with Ed25519
  const signed =
    ack.mac !== undefined
      ? bidKey !== undefined && verifyMac(bidKey, text, ack.mac)
      : key !== undefined && verifyText(key, text, ack.signature);
  if (!signed && state.opts.requireSignatures) return { ok: false, reason: "acceptance not signed by the node" };
  return { ok: true };
}

function summary(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // plain text body
  }
  return body.slice(0, 200);
}
