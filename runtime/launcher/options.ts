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
  /** Node worker processes; nodes are spread over them in topology order. */
  processes: number;
  /** Start an embedded FaaS gateway next to every node (default true). */
  faas: boolean;
  /** Where `events/*.jsonl` and `logs/*.log` go; undefined = nowhere. */
  runDir: string | undefined;
  /** Run name stamped on events. */
  run: string;
  /** Latency probes: sequential pings per round, and the period once warmed up. */
  pingsPerRound: number;
  probePeriodMs: number;
  /**
   * How a probe round becomes a latency sample. "min" by default here: emulated links have no jitter, so time above
   * the fastest probe is the machine being busy, not the link. GIRAFF uses "mean".
   */
  roundStatistic: RoundStatistic;
  /** Apply each path's bottleneck rate on top of its delay (default true). */
  applyRate: boolean;
  /** Market timeouts. */
  bidTimeoutMs: number;
  paymentTimeoutMs: number;
  /** Node log level. */
  logLevel: "debug" | "info" | "warn" | "error";
}

export const DEFAULT_FOG_OPTIONS: FogNetworkOptions = {
  strategy: "auction",
  valuation: "quadratic",
  reduction: false,
  latencyModel: "tcp",
  subnet: "127.77",
  processes: 0,
  faas: true,
  runDir: undefined,
  run: "local",
  pingsPerRound: 5,
  probePeriodMs: 15_000,
  roundStatistic: "min",
  applyRate: true,
  bidTimeoutMs: 5000,
  paymentTimeoutMs: 3000,
  logLevel: "warn",
};

/** Messages from the launcher to a worker. */
export type ToWorker =
  | {
      type: "start";
      topologyJson: unknown;
      nodeIds: string[];
      marketUrl: string;
      options: FogNetworkOptions;
      worker: number;
    }
  | { type: "stop" };

/** Messages from a worker to the launcher. */
export type FromWorker =
  | { type: "started"; nodes: { id: string; url: string; faasUrl: string | undefined }[] }
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "stopped" };
