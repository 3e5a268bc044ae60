/**
 * An in-memory fog network for scenario and property tests (STYLE principle 13): a tree of fake nodes, each
 * running a real strategy, whose `ask` calls the neighbour's strategy directly. Nodes bid a configured value (or
 * answer through `selfBid`); links carry a latency estimate (or none), a bandwidth, and can be made to drop or fail
 * requests.
 */
import { LATENCY_MODELS } from "../latency-models.ts";
import { seededRandom } from "../../util/seeded-random.ts";
import { ZERO_LATENCY } from "../../protocol/messages.ts";
import {
  REASONS,
  type BidProposals,
  type BidRequest,
  type LatencyModel,
  type LinkEstimate,
  type NeighbourView,
  type PlacementStrategy,
  type SelfBid,
  type Sla,
  type StrategyContext,
} from "../types.ts";

export interface FakeNode {
  id: string;
  parent?: string | undefined;
  /** Estimate of the link to the parent as both ends see it; undefined = not yet known. */
  link?: LinkEstimate | undefined;
  /** Bandwidth of the link to the parent, bit/s (GIRAFF's `my_advertised_bandwidth`). */
  bandwidthBps?: number;
  /** The value this node bids (and its price). */
  bid?: number;
  /** CPU it can still host, millicpu; it declines with `insufficient cpu` above that. */
  cpuFreeMilli?: number;
  /** Overrides the network's strategy for this node. */
  strategy?: PlacementStrategy;
  /**
   * Replaces the fixed-bid fake (`bid`, `cpuFreeMilli`) with a real answer: the deviation simulation
   * (`bench/deviations.ts`) plugs in a node's resource tracker, limiter and valuation here.
   */
  selfBid?: (request: BidRequest) => SelfBid;
}

export interface Visit {
  nodeId: string;
  request: BidRequest;
}

export const DEFAULT_BANDWIDTH_BPS = 1e9;

export class InMemoryNetwork {
  readonly nodes = new Map<string, FakeNode>();
  /** Every call for bids a node handled, in order. */
  readonly visits: Visit[] = [];
  /** Nodes that never answer: asking them yields a `timeout` refusal. */
  readonly dropped = new Set<string>();
  /** Nodes whose `ask` rejects (a broken shell), to check strategies survive it. */
  readonly failing = new Set<string>();

  constructor(
    nodes: readonly FakeNode[],
    readonly strategy: PlacementStrategy,
    readonly latencyModel: LatencyModel = LATENCY_MODELS.tcp,
  ) {
    for (const n of nodes) this.nodes.set(n.id, n);
  }

  /** What the market does: call the target with itself as origin and a zero accumulated latency. */
  submit(targetId: string, sla: Sla, extra: Partial<BidRequest> = {}): Promise<BidProposals> {
    return this.handle(targetId, { nodeOrigin: targetId, sla, accumulatedLatency: ZERO_LATENCY, ...extra });
  }

  handle(nodeId: string, request: BidRequest): Promise<BidProposals> {
    const node = this.node(nodeId);
    this.visits.push({ nodeId, request });
    return (node.strategy ?? this.strategy).handle(this.context(node, request));
  }

  visited(): string[] {
    return this.visits.map((v) => v.nodeId);
  }

  neighbours(nodeId: string): NeighbourView[] {
    const node = this.node(nodeId);
    const children = [...this.nodes.values()].filter((n) => n.parent === nodeId);
    const views: NeighbourView[] = children.map((c) => view(c.id, "child", c));
    if (node.parent !== undefined) views.push(view(node.parent, "parent", node));
    return views;
  }

  private context(node: FakeNode, request: BidRequest): StrategyContext {
    const neighbours = this.neighbours(node.id);
    return {
      self: { id: node.id, isRoot: node.parent === undefined },
      request,
      neighbours,
      latencyModel: this.latencyModel,
      bidSelf: () => (node.selfBid === undefined ? bidSelf(node, request.sla) : node.selfBid(request)),
      ask: async (neighbourId, forwarded) => {
        if (!neighbours.some((n) => n.id === neighbourId))
          throw new Error(`${node.id} asked non-neighbour ${neighbourId}`);
        if (this.failing.has(neighbourId)) throw new Error(`connection to ${neighbourId} reset`);
        if (this.dropped.has(neighbourId)) {
          return { bids: [], refusals: [{ nodeId: neighbourId, reason: REASONS.timeout, detail: "dropped" }] };
        }
        return this.handle(neighbourId, forwarded);
      },
      random: seededRandom(request.sla.id, node.id),
    };
  }

  private node(id: string): FakeNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id} in the test network`);
    return node;
  }
}

/** A link is described on the child: its estimate and bandwidth serve both ends. */
function view(id: string, role: "parent" | "child", child: FakeNode): NeighbourView {
  return { id, role, latency: child.link, bandwidthBps: child.bandwidthBps ?? DEFAULT_BANDWIDTH_BPS };
}

function bidSelf(node: FakeNode, sla: Sla): SelfBid {
  const demand = sla.cpuMilli * Math.max(1, sla.replicas);
  const free = node.cpuFreeMilli ?? Infinity;
  if (demand > free)
    return { kind: "decline", reason: REASONS.insufficientCpu, detail: `${demand} m > ${free} m free` };
  const bid = node.bid ?? 1;
  return { kind: "bid", proposal: { nodeId: node.id, id: `${sla.id}@${node.id}`, bid, price: bid } };
}
