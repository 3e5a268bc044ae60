/**
 * Options of a local fog network, shared by the launcher (parent process) and its node workers (children).
 * Everything here is plain JSON so it can cross the IPC channel.
 */
import type { RoundStatistic } from "../node/latency-estimator.ts";
import type { MarketRuleName } from "../strategies/types.ts";

export interface FogNetworkOptions {
  /** Placement strategy of every node, by name (auction, edge-first, …). */
  strategy: string;
  /** Valuation of every node (strategies that bid their CPU utilisation force theirs). */
  valuation: string;
  reduction: boolean;
  latencyModel: string;
  /** Market rule; by default the one the strategy is paired with. */
  marketRule?: MarketRuleName | undefined;
  /** `127.A`: the loopback /16 this network lives in. */
  subnet: string;
  /** Node worker processes (0: one per 250 nodes, at most one per core); each hosts whole subtrees. */
  processes: number;
  /**
   * Host every node in the launcher's own process, beside the market, instead of in workers: the market's calls
   * for bids and payments become in-process calls too (with `peerTransport: "in-process"`). One core does all the
   * work, so it suits sequential auctions on small and medium networks; `processes` is then ignored.
   */
  inProcess: boolean;
  /** Start an embedded FaaS gateway next to every node (default true). */
  faas: boolean;
  /** The embedded gateways' `/system/*` password (user `admin`); random for every launch when undefined. */
  gatewayPassword?: string | undefined;
  /** The market's operator token (`runtime/market/access.ts`); random for every launch when undefined. */
  operatorToken?: string | undefined;
  /**
   * Let nodes the launcher did not start join its market (default false: the market takes only the keys of the
   * nodes it started). For a real open market; `--open-registration`.
   */
  openRegistration: boolean;
  /** Folder of the functions the gateways run (one sub-folder per image); undefined: the repository's `functions/`. */
  functionsDir?: string | undefined;
  /** A function that has not reported its port by then fails, and so does its provisioning (default 60 s). */
  functionStartTimeoutMs: number;
  /**
   * How the embedded gateways run functions (`runtime/faas/README.md`, "Dense mode"): `process`, one process per
   * function; `dense`, one host process per image per worker with an instance per function. Undefined: dense above
   * `DENSE_FUNCTIONS_ABOVE_NODES` nodes, process below (`--function-mode`).
   */
  functionMode?: "process" | "dense" | undefined;
  /** Start GIRAFF's chaining proxy on every node, port 3128 (default true). */
  proxies: boolean;
  /** Start the IoT emulator (`PUT /api/cron`) next to the market (default true). */
  iot: boolean;
  /** Where `events/*.jsonl` and `logs/*.log` go; undefined = nowhere. */
  runDir: string | undefined;
  /** Run name stamped on events. */
  run: string;
  /** Latency probes: sequential pings per round, and the period once warmed up. */
  pingsPerRound: number;
  probePeriodMs: number;
  /**
   * Probe rounds every `probeSettlePeriodMs` during the first `probeSettleForMs` of each link (0: none), then every
   * `probePeriodMs`: estimates inflated by the network's own start-up wash out in seconds, and the probe load drops
   * to GIRAFF's cadence afterwards.
   */
  probeSettlePeriodMs: number;
  probeSettleForMs: number;
  /**
   * How a probe round becomes a latency sample. "min" by default here: emulated links have no jitter, so time above
   * the fastest probe is the machine being busy, not the link. GIRAFF uses "mean".
   */
  roundStatistic: RoundStatistic;
  /**
   * How a node reaches a neighbour hosted by the same worker: "in-process" (default) calls it directly over the
   * emulated link, "http" always goes through HTTP as between machines (see `runtime/in-process/local-peers.ts`).
   */
  peerTransport: "in-process" | "http";
  /** Apply each path's bottleneck rate on top of its delay (default true). */
  applyRate: boolean;
  /** Market timeouts. */
  bidTimeoutMs: number;
  paymentTimeoutMs: number;
  /** Node log level. */
  logLevel: "debug" | "info" | "warn" | "error";
  /**
   * Window of the `emulation_health` events each node-hosting process emits (event-loop lag, timer slack of the
   * emulated delays; `emulation-health.ts`), in ms; 0 = not measured. Only with a run directory.
   */
  healthPeriodMs: number;
}

export const DEFAULT_FOG_OPTIONS: FogNetworkOptions = {
  strategy: "auction",
  valuation: "quadratic",
  reduction: false,
  latencyModel: "tcp",
  subnet: "127.77",
  processes: 0,
  inProcess: false,
  faas: true,
  functionStartTimeoutMs: 60_000,
  openRegistration: false,
  proxies: true,
  iot: true,
  runDir: undefined,
  run: "local",
  pingsPerRound: 5,
  probePeriodMs: 15_000,
  probeSettlePeriodMs: 1000,
  probeSettleForMs: 30_000,
  roundStatistic: "min",
  peerTransport: "in-process",
  applyRate: true,
  bidTimeoutMs: 5000,
  paymentTimeoutMs: 3000,
  logLevel: "warn",
  healthPeriodMs: 1000,
};

/** Networks larger than this run their functions densely unless `functionMode` says otherwise. */
export const DENSE_FUNCTIONS_ABOVE_NODES = 50;

/** Messages from the launcher to a worker. */
export type ToWorker =
  | {
      type: "start";
      topologyJson: unknown;
      nodeIds: string[];
      marketUrl: string;
      options: FogNetworkOptions;
      worker: number;
      /** The keys of this worker's nodes (`NodeKeyHandOver`): the launcher pinned them at the market. */
      keys: NodeKeyHandOver;
    }
  | { type: "stop" };

/**
 * What a launcher hands its node hosts besides the options: each node's Ed25519 private key (PKCS#8 PEM), whose
 * public half the market pins; the market's X25519 key, which the nodes pin in turn; and how node endpoints are
 * authenticated ("none" only when a benchmark injects it, to measure the cost).
 */
export interface NodeKeyHandOver {
  privateKeys: Record<string, string>;
  /** The public halves the market pinned (SPKI DER, base64): importing a private key with its half is faster. */
  publicKeys: Record<string, string>;
  marketKey: string;
  endpointAuth: "hmac" | "none";
}

/** Messages from a worker to the launcher. */
export type FromWorker =
  | { type: "started"; nodes: StartedNode[] }
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "stopped" };

/** Where a started node answers: its agent, and its gateway and proxy when the network runs them. */
export interface StartedNode {
  id: string;
  url: string;
  faasUrl: string | undefined;
  proxyUrl: string | undefined;
}
