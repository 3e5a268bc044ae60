/**
 * Starts a whole fog network on this machine: the market in this process, the fog nodes spread over worker
 * processes, every node on its own loopback address, link latency applied to the traffic between nodes. Resolves
 * once every node is registered with the market and has a latency estimate for each of its neighbours.
 *
 *   launchFogNetwork ──► market (this process) ◄──register── workers ──► nodes (+ gateways) on 127.A.x.y
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Message } from "execa";
import { fileEventWriter, nullEventSink } from "../events/writer.ts";
import { createLogger, type Logger } from "../log.ts";
import type { GatewayAuth } from "../faas/gateway.ts";
import { randomSecret } from "../util/secrets.ts";
import { forkTsModule } from "../util/fork-worker.ts";
import { startMarket, type RunningMarket } from "../market/market.ts";
import { HMAC_AUTH, type EndpointAuth } from "../protocol/endpoint-auth.ts";
import { generateNodeKeyPem } from "../protocol/signing.ts";
import { ConfigError } from "../protocol/errors.ts";
import { parseTopology, type Topology } from "../protocol/topology.ts";
import { defaultProcesses, partitionBySubtree } from "./partition.ts";
import { hostNodes, type HostedNodes } from "./host-nodes.ts";
import { LocalPeerDirectory } from "../in-process/local-peers.ts";
import { strategy as strategyByName } from "../strategies/index.ts";
import { planAddresses, PORTS } from "./address-plan.ts";
import { startIotEmulator, type RunningIotEmulator } from "../iot/emulator.ts";
import {
  DEFAULT_FOG_OPTIONS,
  type FogNetworkOptions,
  type FromWorker,
  type NodeKeyHandOver,
  type StartedNode,
  type ToWorker,
} from "./options.ts";

export interface FogNetwork {
  marketUrl: string;
  market: RunningMarket;
  topology: Topology;
  nodes: (StartedNode & { name: string })[];
  /** The IoT emulator's URL (`PUT /api/cron`), when the network runs one. */
  iotUrl: string | undefined;
  /** The node worker processes and the nodes each hosts. */
  workers: { pid: number; nodeIds: string[] }[];
  /** Milliseconds from the call to the network being ready. */
  readyAfterMs: number;
  /** `Authorization: Bearer <operatorToken>` shows the market's full listings, clients' envVars and SLA ids included. */
  operatorToken: string;
  /** What every embedded gateway's `/system/*` requires (user `admin`); undefined without FaaS. */
  gatewayAuth: GatewayAuth | undefined;
  stop(): Promise<void>;
}

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

export async function launchFogNetwork(
  topologyInput: Topology | unknown,
  partial: Partial<FogNetworkOptions> = {},
  effects: {
    logger?: Logger;
    readyTimeoutMs?: number;
    onProgress?: (message: string) => void;
    /** Benchmark only: `NO_AUTH` leaves node endpoints unauthenticated, to measure what authentication costs. */
    endpointAuth?: EndpointAuth;
  } = {},
): Promise<FogNetwork> {
  const t0 = performance.now();
  const options: FogNetworkOptions = { ...DEFAULT_FOG_OPTIONS, ...partial };
  // one password for every gateway of this launch, handed to each node (and to the caller) with the options
  options.gatewayPassword ??= randomSecret();
  const topology = parseTopology(topologyInput);
  const plugin = strategyByName(options.strategy); // unknown names fail here, before any process starts
  const plan = planAddresses(topology, options.subnet);
  if (options.runDir !== undefined) {
    mkdirSync(join(options.runDir, "events"), { recursive: true });
    mkdirSync(join(options.runDir, "logs"), { recursive: true });
  }
  // with a run directory, the market's log lines go to its logs/ folder rather than the terminal
  const logFile = options.runDir === undefined ? undefined : join(options.runDir, "logs", "launcher.log");
  const logger =
    effects.logger ??
    createLogger("launcher", {
      level: options.logLevel,
      ...(logFile === undefined ? {} : { write: (line: string) => appendFileSync(logFile, line) }),
    });
  // a network hosted in this process shares one directory between the market and the nodes
  const peers = options.inProcess && options.peerTransport === "in-process" ? new LocalPeerDirectory() : undefined;
  // every node's key is made here and pinned at the market: no other key can register (unless openRegistration)
  const nodeKeys = new Map(topology.nodes.map((n) => [n.id, generateNodeKeyPem()]));
  const endpointAuth = effects.endpointAuth ?? HMAC_AUTH;
  const market = await startMarket({
    peers,
    pinnedKeys: new Map([...nodeKeys].map(([id, k]) => [id, k.publicKey])),
    openRegistration: options.openRegistration,
    endpointAuth,
    ...(options.operatorToken === undefined ? {} : { operatorToken: options.operatorToken }),
    host: plan.market.ip,
    port: plan.market.port,
    run: options.run,
    rule: options.marketRule ?? plugin.marketRule,
    bidTimeoutMs: options.bidTimeoutMs,
    paymentTimeoutMs: options.paymentTimeoutMs,
    events:
      options.runDir === undefined
        ? nullEventSink
        : fileEventWriter(join(options.runDir, "events", "market.jsonl"), { run: options.run, source: "market" }),
    logger: logger.child("market"),
  });

  const count = options.inProcess
    ? 1
    : options.processes > 0
      ? options.processes
      : defaultProcesses(topology.nodes.length);
  if (!Number.isInteger(count) || count > topology.nodes.length) {
    await market.close();
    throw new ConfigError(
      "processes",
      `Expected \`processes\` to be an integer between 1 and ${topology.nodes.length}, got ${options.processes}.`,
    );
  }
  const partitions = partitionBySubtree(topology, count);
  const handOver = (nodeIds: readonly string[]): NodeKeyHandOver => ({
    privateKeys: Object.fromEntries(nodeIds.map((id) => [id, nodeKeys.get(id)!.privateKeyPem])),
    publicKeys: Object.fromEntries(nodeIds.map((id) => [id, nodeKeys.get(id)!.publicKey])),
    marketKey: market.agreement.publicKey,
    endpointAuth: endpointAuth.name,
  });

  const workers: Worker[] = [];
  const workerInfo: FogNetwork["workers"] = [];
  const nodes: FogNetwork["nodes"] = [];
  const names = new Map(topology.nodes.map((n) => [n.id, n.name]));
  let iot: RunningIotEmulator | undefined;
  const iotEvents =
    options.iot && options.runDir !== undefined
      ? fileEventWriter(join(options.runDir, "events", "iot.jsonl"), { run: options.run, source: "iot" })
      : nullEventSink;
  let hosted: HostedNodes | undefined;
  // set once stopping: workers then exit on purpose, and their exits are no news
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await iot?.close();
    await iotEvents.close();
    await hosted?.stop();
    await Promise.all(workers.map((w) => stopWorker(w)));
    await market.close();
    await market.opts.events.close();
  };
  try {
    if (options.inProcess) {
      hosted = await hostNodes({
        topology,
        nodeIds: partitions[0]!,
        marketUrl: market.url,
        options,
        group: 0,
        peers,
        keys: handOver(partitions[0]!),
      });
      for (const n of hosted.started) nodes.push({ ...n, name: names.get(n.id)! });
      effects.onProgress?.(`${hosted.started.length} nodes started in this process`);
      await hosted.whenReady(effects.readyTimeoutMs ?? 120_000);
      effects.onProgress?.("nodes ready");
    }
    await Promise.all(
      (options.inProcess ? [] : partitions).map(async (nodeIds, worker) => {
        const child = startWorker();
        workers.push(child);
        workerInfo.push({ pid: child.pid!, nodeIds });
        // a worker that dies takes its nodes with it: the market must stop counting, calling and paying them
        void child.then(({ exitCode, signal }) => {
          if (stopping) return;
          const how = signal === undefined ? `with code ${exitCode}` : `on signal ${signal}`;
          market.liveness.markDown(nodeIds, `its worker process ${child.pid} exited ${how}`, market.opts.now());
          const shown = nodeIds.slice(0, 10).map((n) => names.get(n) ?? n);
          logger.error(
            `Node worker ${worker} (pid ${child.pid}) exited ${how}: its ${nodeIds.length} nodes are marked down ` +
              `in the market (${shown.join(", ")}${nodeIds.length > shown.length ? ", …" : ""}).`,
          );
        });
        const started = waitFor(child, "started");
        const ready = waitFor(child, "ready", effects.readyTimeoutMs ?? 120_000);
        send(child, {
          type: "start",
          topologyJson: topology,
          nodeIds,
          marketUrl: market.url,
          options,
          worker,
          keys: handOver(nodeIds),
        });
        const s = await started;
        for (const n of s.nodes) nodes.push({ ...n, name: names.get(n.id)! });
        effects.onProgress?.(`worker ${worker}: ${nodeIds.length} nodes started`);
        await ready;
        effects.onProgress?.(`worker ${worker}: ready`);
      }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  if (options.iot) {
    try {
      iot = await startIotEmulator({
        host: plan.iot.ip,
        port: plan.iot.port,
        proxyPort: PORTS.proxy,
        seed: options.run,
        events: iotEvents,
      });
    } catch (err) {
      await stop();
      throw err;
    }
  }
  if (market.registry.size !== topology.nodes.length) {
    await stop();
    throw new Error(`Only ${market.registry.size} of ${topology.nodes.length} nodes registered with the market.`);
  }
  return {
    marketUrl: market.url,
    market,
    topology,
    nodes,
    iotUrl: iot?.url,
    workers: workerInfo,
    readyAfterMs: performance.now() - t0,
    operatorToken: market.opts.operatorToken,
    gatewayAuth: options.faas ? { username: "admin", password: options.gatewayPassword } : undefined,
    stop,
  };
}

/** Forks a node worker (runtime/util/fork-worker.ts): IPC with JSON messages, killed if this process exits. */
function startWorker() {
  // GIRAFF_WORKER_NODE_OPTIONS: extra Node flags for the workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
  return forkTsModule(WORKER, [], process.env.GIRAFF_WORKER_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? []);
}

/** A node worker as execa started it: a promise of how it ended, with the IPC methods. */
type Worker = ReturnType<typeof startWorker>;

function send(child: Worker, message: ToWorker): void {
  // ToWorker is plain JSON data (types.ts), which TypeScript cannot prove of its interfaces; a worker that cannot
  // take the message has exited or is exiting, and waitFor reports that with its exit code
  child.sendMessage(message as unknown as Message<"json">).catch(() => {});
}

function waitFor<T extends FromWorker["type"]>(
  child: Worker,
  type: T,
  timeoutMs = 120_000,
): Promise<Extract<FromWorker, { type: T }>> {
  const message = child
    .getOneMessage({ filter: (m) => (m as FromWorker).type === type || (m as FromWorker).type === "failed" })
    .then(
      (m) => {
        const got = m as FromWorker;
        if (got.type === "failed") throw new Error(`A node worker failed: ${got.message}`);
        return got as Extract<FromWorker, { type: T }>;
      },
      // execa rejects once the channel closes, that is when the worker exits: say how it exited
      async (cause: unknown) => {
        const { exitCode, signal } = await child;
        throw new Error(
          `A node worker exited (code ${exitCode ?? null}, signal ${signal ?? null}) before reporting "${type}".`,
          { cause },
        );
      },
    );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`A node worker did not report "${type}" within ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  // after a timeout, the wait for the message still ends (when the worker is stopped) and must not go unhandled
  message.catch(() => {});
  return Promise.race([message, timedOut]).finally(() => clearTimeout(timer));
}

/** Asks a worker to stop its nodes, then kills it if it has not exited within 10 s. */
async function stopWorker(child: Worker): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Ctrl-C signals the workers too: one may be exiting already, and the write fails (EPIPE); its exit ends the wait
  if (child.connected) send(child, { type: "stop" });
  else child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await child;
  clearTimeout(timer);
}
