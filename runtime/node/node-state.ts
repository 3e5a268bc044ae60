/**
 * Everything one fog node holds at run time, in one object the route handlers share: its config and effects,
 * its neighbours, its latency monitor, resources, limiter and function table.
 */
import type { EventSink } from "../events/writer.ts";
import type { LinkEmulation } from "../http/client.ts";
import type { Logger } from "../log.ts";
import type { NodeKeys } from "../protocol/signing.ts";
import type { FaasClient } from "../faas/openfaas-client.ts";
import type { LatencyModel, PlacementStrategy, ValuationPlugin } from "../strategies/types.ts";
import type { NodeConfig } from "./config.ts";
import type { FunctionTable } from "./function-table.ts";
import type { InFlightLimiter } from "./in-flight-limiter.ts";
import type { LatencyMonitor } from "./latency-monitor.ts";
import type { LocalPeerDirectory } from "../in-process/local-peers.ts";
import type { ResourceTracker } from "./resource-tracker.ts";
import type { LongTimeout } from "../util/long-timeout.ts";
import type { EndpointAuth } from "../protocol/endpoint-auth.ts";
import type { TokenBucket } from "../http/token-bucket.ts";

/** What a node does to the outside world; every field has a real default in `startNode`. */
export interface NodeEffects {
  events: EventSink;
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
  /** Emulated link to a peer (a neighbour id, or "market"); undefined = no emulation. */
  linkTo: (peerId: string) => LinkEmulation | undefined;
  /** The FaaS platform; undefined when the node only places functions (benchmarks). */
  faas: FaasClient | undefined;
  keys: NodeKeys;
  /** The nodes sharing this process, reached without HTTP (see `local-peers.ts`); undefined = HTTP only. */
  peers: LocalPeerDirectory | undefined;
  /**
   * How calls for bids, payments, provisionings and refusals are authenticated (`HMAC_AUTH`). Injected, not
   * configured: only the benchmark passes `NO_AUTH`, to measure what authentication costs.
   */
  auth: EndpointAuth;
}

export interface Neighbour {
  id: string;
  role: "parent" | "child";
  url: string;
  bandwidthBps: number;
  /** A child's Ed25519 key: a later registration of that child with another key is refused. */
  publicKey?: string | undefined;
  /** The key MAC'ing calls for bids between this node and the neighbour (`endpoint-auth.ts`); undefined: none yet. */
  linkKey: Buffer | undefined;
}

export interface NodeState {
  config: NodeConfig;
  effects: NodeEffects;
  strategy: PlacementStrategy;
  valuation: ValuationPlugin;
  latencyModel: LatencyModel;
  neighbours: Map<string, Neighbour>;
  monitor: LatencyMonitor;
  resources: ResourceTracker;
  limiter: InFlightLimiter;
  table: FunctionTable;
  /** Expiry timers of paid functions, by SLA id. */
  expiries: Map<string, LongTimeout>;
  /** Provisionings waiting for their function to become live, by SLA id; finishing the function aborts the wait. */
  provisioning: Map<string, AbortController>;
  registered: boolean;
  /**
   * The node's market key, agreed at registration: it MACs bids, refusals and acknowledgements, and checks the
   * market's calls for bids, payments and provisionings. Undefined: bids are Ed25519-signed, and the market's
   * commands are refused.
   */
  bidKey: Buffer | undefined;
  /** Registrations of children this node takes (a token bucket; beyond, 429). */
  registrations: TokenBucket;
  /** False until `startProbing`: a worker starting many nodes holds probes until all are up. */
  probing: boolean;
  /** Resolves when this node's own registration succeeded (children's registrations wait for it). */
  whenRegistered: Promise<void>;
  closing: boolean;
}

export function emitResourceUsage(state: NodeState): void {
  const view = state.resources.view();
  state.effects.events.emit({
    kind: "resource_usage",
    nodeId: state.config.id,
    cpuUsedMilli: view.cpuUsedMilli,
    cpuAvailableMilli: view.cpuAvailableMilli,
    memoryUsedBytes: view.memoryUsedBytes,
    memoryAvailableBytes: view.memoryAvailableBytes,
  });
}

/** Starts measuring a neighbour, unless probing is held (then `startProbing` picks it up). */
export function watchNeighbour(state: NodeState, neighbourId: string): void {
  if (state.probing) state.monitor.add(neighbourId);
}
