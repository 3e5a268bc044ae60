/**
 * Hosting a group of fog nodes in the current process: for each node its embedded FaaS gateway and chaining proxy
 * (when the network runs them), then the node agent, all on the node's loopback address; nodes of one group call
 * each other in-process (`local-peers.ts`). A worker process hosts one group; a network small enough can host its
 * only group in the launcher's own process, beside the market.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createWriteStream } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileEventWriter, nullEventSink, type EventSink } from "../events/writer.ts";
import { startGateway, type RunningGateway } from "../faas/gateway.ts";
import { FunctionHostPool } from "../faas/function-host-pool.ts";
import { startProxy, type RunningProxy } from "../proxy/proxy.ts";
import { createLogger } from "../log.ts";
import type { Topology } from "../protocol/topology.ts";
import { startNode, type RunningNode } from "../node/agent.ts";
import { nodeSpecFromTopology } from "../node/config.ts";
import { LocalPeerDirectory } from "../in-process/local-peers.ts";
import { planAddresses, PORTS } from "./address-plan.ts";
import { topologyLinks } from "./links.ts";
import { startEmulationHealth, type EmulationHealthMonitor } from "./emulation-health.ts";
import {
  DENSE_FUNCTIONS_ABOVE_NODES,
  type FogNetworkOptions,
  type NodeKeyHandOver,
  type StartedNode,
} from "./options.ts";
import { nodeKeysFromPem } from "../protocol/signing.ts";
import { ENDPOINT_AUTH } from "../protocol/endpoint-auth.ts";

const FUNCTIONS_DIR = resolve(fileURLToPath(import.meta.url), "../../../functions");

export interface HostNodesInput {
  topology: Topology;
  nodeIds: string[];
  marketUrl: string;
  options: FogNetworkOptions;
  /** Names the group's event and log files (`nodes-<group>.jsonl`). */
  group: number;
  /** Shared with the market when it runs in the same process; a fresh one otherwise. */
  peers?: LocalPeerDirectory | undefined;
  /** The nodes' keys, pinned at the market, and the market's key. */
  keys: NodeKeyHandOver;
}

export interface HostedNodes {
  started: StartedNode[];
  /**
   * Resolves once every node is registered and measuring every neighbour the topology gives it; rejects after
   * `timeoutMs` (default: never) or when the group is stopped first.
   */
  whenReady(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function hostNodes(msg: HostNodesInput): Promise<HostedNodes> {
  const { options, topology } = msg;
  const nodes: RunningNode[] = [];
  const gateways: RunningGateway[] = [];
  const proxies: RunningProxy[] = [];
  const plan = planAddresses(topology, options.subnet);
  const links = topologyLinks(topology, { applyRate: options.applyRate });
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  const nodeByIp = new Map([...plan.nodes].map(([id, where]) => [where.ip, id]));
  const source = `nodes-${msg.group}`;
  const events: EventSink =
    options.runDir === undefined
      ? nullEventSink
      : fileEventWriter(join(options.runDir, "events", `${source}.jsonl`), { run: options.run, source });
  const logStream =
    options.runDir === undefined
      ? undefined
      : createWriteStream(join(options.runDir, "logs", `${source}.log`), { flags: "a" });
  const write = logStream === undefined ? undefined : (line: string) => void logStream.write(line);

  // dense functions: one host process per image for all the gateways of this process (runtime/faas/README.md)
  const functionsDir = options.functionsDir ?? FUNCTIONS_DIR;
  const functionMode =
    options.functionMode ?? (topology.nodes.length > DENSE_FUNCTIONS_ABOVE_NODES ? "dense" : "process");
  const functionHosts =
    options.faas && functionMode === "dense"
      ? new FunctionHostPool({
          readablePaths: [functionsDir],
          startTimeoutMs: options.functionStartTimeoutMs,
          ...(options.runDir === undefined ? {} : { logsDir: join(options.runDir, "logs", "functions") }),
        })
      : undefined;
  const peers = msg.peers ?? (options.peerTransport === "in-process" ? new LocalPeerDirectory() : undefined);
  const started: StartedNode[] = [];
  let stopped = false;
  let health: EmulationHealthMonitor | undefined;
  const stop = async () => {
    stopped = true;
    // the last partial window, before shutting down adds its own load
    health?.stop();
    await Promise.allSettled(nodes.map((n) => n.close()));
    await Promise.allSettled(gateways.map((g) => g.close()));
    await functionHosts?.close();
    await Promise.allSettled(proxies.map((p) => p.close()));
    await events.close();
    logStream?.end();
  };
  try {
    for (const id of msg.nodeIds) {
      const node = byId.get(id)!;
      const where = plan.nodes.get(id)!;
      let faasUrl: string | undefined;
      let faasAuth: RunningGateway["auth"] | undefined;
      if (options.faas) {
        const gateway = await startGateway({
          host: where.ip,
          port: where.portFaas,
          functionsDir,
          startTimeoutMs: options.functionStartTimeoutMs,
          functionMode,
          functionHosts,
          // functions name their successor's proxy in GIRAFF-Redirect-Proxy; ours listen on GIRAFF's port
          env: { PROXY_PORT: String(PORTS.proxy) },
          ...(options.runDir === undefined ? {} : { logsDir: join(options.runDir, "logs", "functions") }),
          // the launch's password; without one, the gateway draws its own
          ...(options.gatewayPassword === undefined
            ? {}
            : { auth: { username: "admin", password: options.gatewayPassword } }),
        });
        gateways.push(gateway);
        faasUrl = gateway.url;
        faasAuth = gateway.auth;
      }
      let proxyUrl: string | undefined;
      if (options.proxies) {
        const proxy = await startProxy({
          host: where.ip,
          port: PORTS.proxy,
          events,
          // requests this proxy sends to another node's address cross the emulated tree path between the two nodes
          linkTo: (host) => {
            const peer = nodeByIp.get(host);
            return peer === undefined ? undefined : links(id, peer);
          },
        });
        proxies.push(proxy);
        proxyUrl = proxy.url;
      }
      const parent = node.parent === null ? undefined : plan.nodes.get(node.parent)!;
      const situation =
        node.parent === null
          ? { kind: "market" as const, marketUrl: msg.marketUrl }
          : { kind: "node" as const, parentId: node.parent, parentUrl: `http://${parent!.ip}:${parent!.portHttp}` };
      const running = await startNode(
        {
          ...nodeSpecFromTopology(node, { ...where, situation }),
          strategy: options.strategy,
          valuation: options.valuation,
          reduction: options.reduction,
          latencyModel: options.latencyModel,
          faasUrl,
          faasAuth,
          marketKey: msg.keys.marketKey,
          latency: {
            pingsPerRound: options.pingsPerRound,
            periodMs: options.probePeriodMs,
            settlePeriodMs: options.probeSettlePeriodMs,
            settleForMs: options.probeSettleForMs,
            roundStatistic: options.roundStatistic,
          },
        },
        {
          events,
          logger: createLogger(`node ${node.name}`, { level: options.logLevel, ...(write ? { write } : {}) }),
          linkTo: (peer) => links(id, peer),
          peers,
          keys: nodeKeysFromPem(msg.keys.privateKeys[id]!, msg.keys.publicKeys[id]),
          auth: ENDPOINT_AUTH[msg.keys.endpointAuth],
        },
        // probes wait until every node of this worker is up: start-up work would inflate the first rounds
        { probe: false },
      );
      nodes.push(running);
      started.push({ id, url: running.url, faasUrl, proxyUrl });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  // from here on the nodes exchange delayed messages: how faithfully this process keeps the delays is measured
  if (options.healthPeriodMs > 0 && options.runDir !== undefined)
    health = startEmulationHealth({ events, nodes: nodes.length, periodMs: options.healthPeriodMs });
  for (const n of nodes) n.startProbing();

  // ready = registered, and an estimate for every neighbour the topology gives this node
  const expected = new Map(
    msg.nodeIds.map((id) => [
      id,
      topology.nodes.filter((n) => n.parent === id).length + (byId.get(id)!.parent === null ? 0 : 1),
    ]),
  );
  const ready = () =>
    nodes.every((n) => {
      const s = n.status();
      return s.registered && s.neighbours.filter((x) => x.medianMs !== undefined).length >= expected.get(n.config.id)!;
    });
  return {
    started,
    async whenReady(timeoutMs = Infinity) {
      const deadline = performance.now() + timeoutMs;
      while (!ready()) {
        if (stopped) throw new Error("The nodes were stopped before they became ready.");
        if (performance.now() > deadline) throw new Error(`The nodes did not become ready within ${timeoutMs} ms.`);
        await sleep(25);
      }
    },
    stop,
  };
}
