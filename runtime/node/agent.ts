/**
 * The fog-node agent: starts the HTTP server, joins the tree, measures its neighbours, and answers calls for bids,
 * payments and provisioning through the strategy chosen in its config.
 *
 *   parent ◄──register── node ──register──► (relayed up to the market)
 *   market/neighbour ──POST /api/bid──► node ──strategy──► own bid + neighbours' bids
 *   market ──POST /api/accept──► node (commit, expire after duration) ──POST /api/provision──► FaaS gateway
 */
import { createLogger } from "../log.ts";
import { nullEventSink } from "../events/writer.ts";
import { request } from "../http/client.ts";
import { startJsonServer, type RunningServer } from "../http/server.ts";
import { generateNodeKeys } from "../protocol/signing.ts";
import { HMAC_AUTH } from "../protocol/endpoint-auth.ts";
import type { PlacementStrategy } from "../strategies/types.ts";
import {
  latencyModel,
  strategy as strategyByName,
  valuation as valuationByName,
  withReduction,
} from "../strategies/index.ts";
import { OpenFaasClient } from "../faas/openfaas-client.ts";
import { resolveNodeConfig, type NodeConfig, type NodeConfigSpec } from "./config.ts";
import { FunctionTable } from "./function-table.ts";
import { InFlightLimiter } from "./in-flight-limiter.ts";
import { LatencyEstimator } from "./latency-estimator.ts";
import { LatencyMonitor } from "./latency-monitor.ts";
import { probeRoundLocally as batchedRound } from "../in-process/probe-batch.ts";
import { answerLikeHttp } from "../in-process/local-peers.ts";
import { registerNodeSchema } from "../protocol/messages.ts";
import { parseWith } from "../protocol/validate.ts";
import { answerCallForBids } from "./bidding.ts";
import { acceptPayment, finishFunction } from "./lifecycle.ts";
import { emitResourceUsage, watchNeighbour, type NodeEffects, type NodeState } from "./node-state.ts";
import { registerWithRetry, relayRegistration } from "./registration.ts";
import { ResourceTracker } from "./resource-tracker.ts";
import { TokenBucket } from "../http/token-bucket.ts";
import { nodeRoutes } from "./routes.ts";
import { nodeStatus, type NodeStatus } from "./status.ts";

export interface RunningNode {
  config: NodeConfig;
  url: string;
  /** Starts the latency monitor for every neighbour known so far and every later one. */
  startProbing(): void;
  /** Resolves once the node is registered with the market (through its parent). */
  registered: Promise<void>;
  status(): NodeStatus;
  close(): Promise<void>;
}

const HOUSEKEEPING_MS = 5000;
const FINISHED_RETENTION_MS = 60_000;

export interface StartOptions {
  /** Start probing neighbours at once (default). A worker starting many nodes passes false, then `startProbing`. */
  probe?: boolean;
  /** A strategy object instead of the config's by name: the security tests' misbehaving relays. */
  strategy?: PlacementStrategy;
}

export async function startNode(
  spec: NodeConfigSpec,
  partialEffects: Partial<NodeEffects> = {},
  startOptions: StartOptions = {},
): Promise<RunningNode> {
  const config = resolveNodeConfig(spec);
  const effects: NodeEffects = {
    events: partialEffects.events ?? nullEventSink,
    logger: partialEffects.logger ?? createLogger(`node ${config.name}`),
    now: partialEffects.now ?? Date.now,
    linkTo: partialEffects.linkTo ?? (() => undefined),
    faas:
      "faas" in partialEffects
        ? partialEffects.faas
        : config.faasUrl === undefined
          ? undefined
          : new OpenFaasClient({ baseUrl: config.faasUrl, auth: config.faasAuth }),
    keys: partialEffects.keys ?? generateNodeKeys(),
    peers: partialEffects.peers,
    auth: partialEffects.auth ?? HMAC_AUTH,
  };
  const plugin = valuationByName(config.valuation);
  const state: NodeState = {
    config,
    effects,
    strategy: startOptions.strategy ?? strategyByName(config.strategy),
    valuation: config.reduction ? withReduction(plugin, config.id) : plugin,
    latencyModel: latencyModel(config.latencyModel),
    neighbours: new Map(),
    monitor: undefined as unknown as LatencyMonitor,
    resources: new ResourceTracker({ cpuMilli: config.reservedCpuMilli, memoryBytes: config.reservedMemoryBytes }),
    limiter: new InFlightLimiter(config.maxInFlight),
    table: new FunctionTable(),
    expiries: new Map(),
    provisioning: new Map(),
    registered: false,
    bidKey: undefined,
    registrations: new TokenBucket(config.registrationLimit),
    probing: startOptions.probe ?? true,
    whenRegistered: Promise.resolve(),
    closing: false,
  };
  state.monitor = new LatencyMonitor(
    {
      probe: (id, signal) => probe(state, id, signal),
      probeRound: (id, pings) => probeRoundLocally(state, id, pings),
    },
    {
      pingsPerRound: config.latency.pingsPerRound,
      periodMs: config.latency.periodMs,
      warmupRounds: config.latency.warmupRounds,
      settlePeriodMs: config.latency.settlePeriodMs,
      ...(config.latency.settleForMs > 0 ? { settleForMs: config.latency.settleForMs } : {}),
      estimator: new LatencyEstimator({ roundStatistic: config.latency.roundStatistic }),
      onRound: (_id, s) => effects.events.emit({ kind: "neighbor_latency", nodeId: config.id, ...s }),
    },
  );
  if (config.situation.kind === "node") {
    const parentId = config.situation.parentId;
    state.neighbours.set(parentId, {
      id: parentId,
      role: "parent",
      url: config.situation.parentUrl,
      bandwidthBps: config.advertisedBandwidthBps,
      // agreed when this node's registration is answered
      linkKey: undefined,
    });
    watchNeighbour(state, parentId);
  }

  const server: RunningServer = await startJsonServer({
    host: config.ip,
    port: config.portHttp,
    routes: nodeRoutes(state),
    bodyLimit: config.bodyLimit,
    onServerError: (err, req) =>
      effects.logger.warn(`${req.method} ${req.path}: ${err instanceof Error ? err.message : String(err)}`),
  });
  effects.peers?.add(server.url, {
    callForBids: (request) => answerCallForBids(state, request, "this process"),
    accept: (slaId, body) => acceptPayment(state, slaId, body),
    register: (body) => answerLikeHttp(() => relayRegistration(state, parseWith(registerNodeSchema, body), body)),
    alive: () => !state.closing,
  });
  const abort = new AbortController();
  const registered = registerWithRetry(state, abort.signal);
  state.whenRegistered = registered;
  const housekeeping = setInterval(() => {
    const now = effects.now();
    state.table.expireProposals(now, config.proposalTtlMs);
    state.table.prune(now, FINISHED_RETENTION_MS);
  }, HOUSEKEEPING_MS);
  housekeeping.unref();
  emitResourceUsage(state);

  return {
    config,
    url: server.url,
    registered,
    status: () => nodeStatus(state),
    startProbing() {
      if (state.probing || state.closing) return;
      state.probing = true;
      for (const id of state.neighbours.keys()) state.monitor.add(id);
    },
    async close() {
      if (state.closing) return;
      state.closing = true;
      effects.peers?.remove(server.url);
      abort.abort();
      clearInterval(housekeeping);
      await state.monitor.stop();
      const active = state.table
        .records()
        .filter((r) => r.state === "Paid" || r.state === "Provisioned" || r.state === "Live");
      await Promise.all(active.map((r) => finishFunction(state, r.sla.id, "shutdown")));
      await server.close();
    },
  };
}

/**
 * A round of latency probes to a co-located neighbour, batched with the other rounds of this process
 * (`probe-batch.ts`); round trips beyond the probe timeout count as lost. Undefined for a neighbour in another
 * process: the monitor then probes it over HTTP, one probe at a time.
 */
async function probeRoundLocally(
  state: NodeState,
  neighbourId: string,
  pings: number,
): Promise<(number | undefined)[] | undefined> {
  const neighbour = state.neighbours.get(neighbourId);
  const local = neighbour === undefined ? undefined : state.effects.peers?.lookup(neighbour.url);
  if (local === undefined) return undefined;
  const timeoutMs = state.config.latency.probeTimeoutMs;
  const rtts = await batchedRound(state.effects.linkTo(neighbourId), local, pings);
  return rtts.map((rtt) => (rtt !== undefined && rtt <= timeoutMs ? rtt : undefined));
}

/** One latency probe: an HTTP round trip over the emulated link, so it measures what bids experience. */
async function probe(state: NodeState, neighbourId: string, signal: AbortSignal): Promise<number | undefined> {
  const neighbour = state.neighbours.get(neighbourId);
  if (neighbour === undefined) return undefined;
  const started = performance.now();
  try {
    const answer = await request(`${neighbour.url}/api/ping`, {
      timeoutMs: state.config.latency.probeTimeoutMs,
      link: state.effects.linkTo(neighbourId),
      signal,
    });
    return answer.status < 300 ? performance.now() - started : undefined;
  } catch {
    return undefined;
  }
}
