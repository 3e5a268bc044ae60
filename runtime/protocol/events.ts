/**
 * Metric events: the single source for analysis (DESIGN.md §3.2). Every runtime process appends one JSON object
 * per line to `events/<process>.jsonl`. Each event has `t` (epoch ms, float), `kind`, `run` and `source`.
 *
 * NOTE: adding a kind means (1) its schema in `eventSchemas` below, (2) the emitter, (3) its view in
 * `orchestrator/analysis/` (its stored columns follow from the schema: event-columns.ts), (4) a fixture line in
 * `events.test.ts`.
 */
import { z } from "zod";

const base = {
  t: z.number().finite(),
  run: z.string(),
  source: z.string(),
};

const bidRecord = z.object({
  nodeId: z.string(),
  bidId: z.string(),
  bid: z.number(),
  price: z.number().optional(),
  /** Signature check at the market: "valid", "forged", "replayed", "unsigned" or "unknown-node". */
  verdict: z.string(),
});

// prettier-ignore
export const eventSchemas = {
  /** The market received an SLA (`PUT /api/function`). */
  sla_submitted: z.object({ ...base, kind: z.literal("sla_submitted"), slaId: z.string(), functionName: z.string(),
    targetNode: z.string(), memoryBytes: z.number(), cpuMilli: z.number(), latencyMaxMs: z.number(),
    durationMs: z.number(), inputMaxSizeBytes: z.number(), replicas: z.number() }),
  /** A node received a call for bids (GIRAFF's `sla_seen`). */
  bid_request_seen: z.object({ ...base, kind: z.literal("bid_request_seen"), slaId: z.string(), nodeId: z.string(),
    from: z.string(), accumulatedMedianMs: z.number(), accumulatedUncertaintyMs: z.number() }),
  /** A node bid (GIRAFF's `bid_gauge`). */
  bid: z.object({ ...base, kind: z.literal("bid"), slaId: z.string(), functionName: z.string(), nodeId: z.string(),
    bidId: z.string(), bid: z.number(), price: z.number(), strategy: z.string(), valuation: z.string() }),
  /** A node or the market refused something, with a reason constant. */
  refused: z.object({ ...base, kind: z.literal("refused"), scope: z.enum(["node", "market"]), slaId: z.string(),
    nodeId: z.string().optional(), functionName: z.string().optional(), reason: z.string(), detail: z.string().optional() }),
  /** The market closed an auction: every bid, every refusal, the winner and the price. */
  auction_result: z.object({ ...base, kind: z.literal("auction_result"), slaId: z.string(), functionName: z.string(),
    targetNode: z.string(), rule: z.string(), startedAt: z.number(), durationMs: z.number(),
    outcome: z.enum(["awarded", "refused"]), reason: z.string().optional(), winner: z.string().optional(),
    winningBidId: z.string().optional(), winningBid: z.number().optional(), price: z.number().optional(),
    bids: z.array(bidRecord), refusals: z.array(z.object({ nodeId: z.string(), reason: z.string(), detail: z.string().optional() })),
    paymentAttempts: z.array(z.object({ nodeId: z.string(), ok: z.boolean(), reason: z.string().optional() })) }),
  /** A node was paid (GIRAFF's `paid_functions`). */
  payment: z.object({ ...base, kind: z.literal("payment"), slaId: z.string(), functionName: z.string(),
    nodeId: z.string(), bidId: z.string(), price: z.number().optional() }),
  /** A function was created on the node's FaaS gateway. */
  provisioned: z.object({ ...base, kind: z.literal("provisioned"), slaId: z.string(), functionName: z.string(),
    nodeId: z.string(), faasName: z.string() }),
  /** A provisioned function answered its health check. */
  live: z.object({ ...base, kind: z.literal("live"), slaId: z.string(), functionName: z.string(), nodeId: z.string(),
    waitedMs: z.number() }),
  /** A reservation ended: expiry after `duration`, or a liveness failure. */
  finished: z.object({ ...base, kind: z.literal("finished"), slaId: z.string(), functionName: z.string(),
    nodeId: z.string(), reason: z.enum(["expired", "liveness-failed", "shutdown"]), errors: z.array(z.string()) }),
  /** A node's estimate of the one-way latency to a neighbour (GIRAFF's `neighbor_latency`). */
  neighbor_latency: z.object({ ...base, kind: z.literal("neighbor_latency"), nodeId: z.string(), neighborId: z.string(),
    rawMs: z.number(), averageMs: z.number(), medianMs: z.number(), iqrMs: z.number(), rawPacketLoss: z.number(),
    packetLoss: z.number() }),
  /** A node's committed resources (GIRAFF's `*_observed_from_fog_node`). */
  resource_usage: z.object({ ...base, kind: z.literal("resource_usage"), nodeId: z.string(), cpuUsedMilli: z.number(),
    cpuAvailableMilli: z.number(), memoryUsedBytes: z.number(), memoryAvailableBytes: z.number() }),
  /** A node joined the market's tree. */
  node_registered: z.object({ ...base, kind: z.literal("node_registered"), nodeId: z.string(),
    parent: z.string().optional(), ip: z.string(), portHttp: z.string() }),
  /** One request through one proxy (GIRAFF's `proxy`). */
  proxy_hop: z.object({ ...base, kind: z.literal("proxy_hop"), reqId: z.string(), slaId: z.string(), tags: z.string(),
    firstHop: z.boolean(), receivedAt: z.number(), respondedAt: z.number(), serviceStatus: z.number(), status: z.number(),
    /** The URL this proxy sent to (the function's, or the next proxy's target for the entry proxy). */
    url: z.string().optional(),
    /** Why the call or the redirect after it failed: "timeout", "unreachable", "transport", "redirect" (bad header).
     * `serviceStatus` is 0 when the upstream itself did not answer. */
    error: z.string().optional() }),
  /** One step of the workload replayer for one chain (giraff.md §12.1 "Replay"): what it did, whether it worked. */
  replay_step: z.object({ ...base, kind: z.literal("replay_step"), chainId: z.string(),
    step: z.enum(["submit", "provision", "wire", "start-iot", "abort", "done"]), ok: z.boolean(), durationMs: z.number(),
    functionIndex: z.number().optional(), slaId: z.string().optional(), nodeId: z.string().optional(),
    detail: z.string().optional() }),
  /**
   * How faithfully a process that hosts fog nodes, proxies and link emulation kept to the emulated delays, over one
   * window (every second by default, and a last partial one at shutdown; see runtime/launcher/emulation-health.ts).
   * Loop lag: event-loop delay beyond its 1 ms sampling period. Timer slack: how late each emulated link delay fired
   * after its intended time; `timerDelays` counts them. Percentiles are 0 when there was nothing to measure.
   */
  emulation_health: z.object({ ...base, kind: z.literal("emulation_health"), windowMs: z.number(), nodes: z.number(),
    final: z.boolean(), loopLagP50Ms: z.number(), loopLagP99Ms: z.number(), loopLagMaxMs: z.number(),
    timerDelays: z.number(), timerSlackP50Ms: z.number(), timerSlackP99Ms: z.number(), timerSlackMaxMs: z.number() }),
  /** The IoT emulator could not send a request (GIRAFF's `proxy_send`). */
  send_failure: z.object({ ...base, kind: z.literal("send_failure"), slaId: z.string(), reason: z.string(),
    /** The sentence behind `reason` ("timeout", "unreachable", "overflow", "transport"), e.g. the socket error. */
    detail: z.string().optional() }),
};

export type EventKind = keyof typeof eventSchemas;
export type MetricEvent = { [K in EventKind]: z.output<(typeof eventSchemas)[K]> }[EventKind];
export type EventOf<K extends EventKind> = Extract<MetricEvent, { kind: K }>;
/** What an emitter supplies: the writer adds `t`, `run` and `source`. */
export type EventBody<K extends EventKind = EventKind> = K extends EventKind
  ? Omit<EventOf<K>, "t" | "run" | "source">
  : never;

export const metricEventSchema = z.discriminatedUnion(
  "kind",
  Object.values(eventSchemas) as unknown as [(typeof eventSchemas)[EventKind], ...(typeof eventSchemas)[EventKind][]],
);

export const EVENT_KINDS = Object.keys(eventSchemas) as EventKind[];
