/**
 * The plugin interfaces of placement: valuations (what a node asks to host a function) and strategies (how a
 * node answers a call for bids: bid itself, forward to neighbours, or both). Both are chosen by name at run time
 * from the registry in `index.ts`.
 *
 * Strategies are deterministic given their context: time, randomness and the network come in through
 * {@link StrategyContext}, so the same inputs give the same answer in a scenario test and on a live node.
 */
import type { AccumulatedLatency, BidProposal, BidProposals, BidRequest, Refusal, Sla } from "../protocol/messages.ts";

// ---------------------------------------------------------------------------------------------------------------
// Valuations

/** A node's committed resources, as its resource tracker sees them. */
export interface ResourceView {
  cpuAvailableMilli: number;
  cpuUsedMilli: number;
  memoryAvailableBytes: number;
  memoryUsedBytes: number;
}

/** A function already paid on this node and not yet finished: what the quadratic model integrates. */
export interface CommittedFunction {
  /** Its share of this node's CPU: cpu × replicas / cpuAvailable. */
  cpuShare: number;
  /** Its remaining reservation, in seconds (0 if past). */
  remainingS: number;
}

/** Per-node valuation parameters (giraff.md §5.1, §11.1); unused ones may be omitted. */
export interface ValuationParams {
  pricingCpuInitial?: number | undefined;
  pricingMemInitial?: number | undefined;
  ratioAA?: number | undefined;
  ratioBB?: number | undefined;
  electricityPrice?: number | undefined;
}

export interface ValuationInput {
  sla: Sla;
  resources: ResourceView;
  committed: readonly CommittedFunction[];
  params: ValuationParams;
}

/** What a valuation decides: the value compared in the auction and the node's own price. */
export interface Valuation {
  bid: number;
  price: number;
  /** The terms of the formula, for the decision record (e.g. `{s, U, D}` for the quadratic model). */
  terms: Record<string, number>;
}

export interface ValuationPlugin {
  readonly name: string;
  /** Throws a ConfigError naming the parameter when a required one is missing or not finite and positive. */
  validate(params: ValuationParams): void;
  value(input: ValuationInput): Valuation;
}

// ---------------------------------------------------------------------------------------------------------------
// Latency

/** A node's current estimate of the one-way latency to one neighbour. */
export interface LinkEstimate {
  medianMs: number;
  iqrMs: number;
  averageMs: number;
  packetLoss: number;
}

/** Worst-case time to deliver `sizeBytes` along a path, used to prune forwarding (giraff.md §5.8). */
export interface LatencyModel {
  readonly name: string;
  estimateMs(acc: AccumulatedLatency, sizeBytes: number): number;
}

// ---------------------------------------------------------------------------------------------------------------
// Strategies

export interface NeighbourView {
  id: string;
  role: "parent" | "child";
  /** Undefined until the latency monitor has enough samples. */
  latency: LinkEstimate | undefined;
  /** Advertised bandwidth of the link between this node and the neighbour, bit/s. */
  bandwidthBps: number;
}

/** The node's own answer to an SLA: a proposal, or a reasoned decline. */
export type SelfBid = { kind: "bid"; proposal: BidProposal } | { kind: "decline"; reason: string; detail?: string };

export interface StrategyContext {
  self: { id: string; isRoot: boolean };
  request: BidRequest;
  /** Children and parent, excluding nothing: strategies decide whom to skip (usually `request.nodeOrigin`). */
  neighbours: readonly NeighbourView[];
  latencyModel: LatencyModel;
  /** Values, checks the limiter and capacity, records a Proposed function when it bids. */
  bidSelf(): SelfBid;
  /**
   * Forwards a call for bids to a neighbour. Never rejects: a timeout or error comes back as an empty answer with
   * a refusal for that neighbour (`reason` = "timeout" or "unreachable").
   */
  ask(neighbourId: string, request: BidRequest): Promise<BidProposals>;
  /** Uniform in [0, 1), seeded from the SLA id and this node's id. */
  random(): number;
}

export interface PlacementStrategy {
  readonly name: string;
  /** The market rule this strategy is paired with (giraff.md §7). */
  readonly marketRule: MarketRuleName;
  /** The valuation the strategy needs, if it forces one (mincpurandom and max-cpu bid their CPU utilisation). */
  readonly forcedValuation?: string;
  handle(ctx: StrategyContext): Promise<BidProposals>;
}

export type MarketRuleName = "second-price" | "random" | "mincpurandom";

/** Reason constants recorded when a node does not bid or does not forward. */
export const REASONS = {
  insufficientCpu: "insufficient cpu",
  insufficientMemory: "insufficient memory",
  rateLimited: "in-flight limit reached",
  latencyUnknown: "neighbour latency not yet known",
  latencyTooHigh: "worst-case latency exceeds latencyMax",
  timeout: "timeout",
  unreachable: "unreachable",
  badAnswer: "bad answer",
  notCloud: "not a cloud node",
  noCandidates: "no candidates",
  strategyDeclined: "strategy does not bid here",
  /** A bid collected from the subtree but filtered out by the strategy (max-cpu keeps only the top 2). */
  dropped: "dropped by the strategy",
  /** The valuation produced a non-finite or negative bid, or a non-positive price (bad resources or params). */
  valuationFailed: "valuation failed",
  /** A bid repeated in a neighbour's answer: the copy is dropped, and the neighbour named (not the bidder). */
  duplicateBid: "bid duplicated",
} as const;

export type { AccumulatedLatency, BidProposal, BidProposals, BidRequest, Refusal, Sla };
