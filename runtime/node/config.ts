/**
 * A fog node's configuration (giraff.md §3.5, §5.1), resolved once into a typed, defaulted object. Errors name
 * the field, the value and the rule.
 */
import { ConfigError } from "../protocol/errors.ts";
import type { TopologyNode } from "../protocol/topology.ts";
import { latencyModel, strategy as strategyByName, valuation as valuationByName } from "../strategies/index.ts";
import type { ValuationParams } from "../strategies/types.ts";
import { defaultMaxInFlight } from "./in-flight-limiter.ts";
import type { RoundStatistic } from "./latency-estimator.ts";
import type { RateLimit } from "../http/token-bucket.ts";

export interface NodeConfig {
  id: string;
  name: string;
  /** Address the node listens on and advertises. */
  ip: string;
  portHttp: number;
  /** Port of the FaaS gateway clients should call (GIRAFF: the OpenFaaS NodePort, 31112). */
  portFaas: number;
  /** The root node registers with the market; every other node with its parent. */
  situation: { kind: "market"; marketUrl: string } | { kind: "node"; parentId: string; parentUrl: string };
  tags: string[];
  reservedCpuMilli: number;
  reservedMemoryBytes: number;
  /** Max proposals per second (the in-flight limiter). */
  maxInFlight: number;
  /** Bandwidth of the link to the parent, bit/s. */
  advertisedBandwidthBps: number;
  strategy: string;
  valuation: string;
  valuationParams: ValuationParams;
  /** GIRAFF's `reduction` complication: × 0.75 on the bid when this node is the SLA's data source. */
  reduction: boolean;
  latencyModel: string;
  /** Base URL of the FaaS gateway the node provisions on; undefined = no FaaS (placement only). */
  faasUrl: string | undefined;
  faasAuth: { username: string; password: string } | undefined;
  /** Time a provisioned function has to become healthy (GIRAFF: 120 s). */
  liveTimeoutMs: number;
  /** Time kept for this node's own work when forwarding a call for bids with a budget. */
  hopMarginMs: number;
  /** Used when a call for bids arrives without a budget (from a GIRAFF market). */
  defaultBudgetMs: number;
  /** Unpaid proposals are forgotten after this long. */
  proposalTtlMs: number;
  /** Latency probes: pings per round, rounds back to back at start, period afterwards, probe timeout. */
  latency: {
    pingsPerRound: number;
    warmupRounds: number;
    periodMs: number;
    /** Period of the settling rounds after warm-up, and how long (from start) they last; 0 ms: no settling. */
    settlePeriodMs: number;
    settleForMs: number;
    probeTimeoutMs: number;
    /** How a round's probes become its value (GIRAFF: mean); see `latency-estimator.ts`. */
    roundStatistic: RoundStatistic;
  };
  bodyLimit: number;
  /**
   * The market's X25519 public key, when the node's starter knows it (the launcher pins it): a registration answer
   * carrying another is refused, so a relay cannot put itself between the node and the market. Undefined: the node
   * takes the key its registration answer carries.
   */
  marketKey: string | undefined;
  /** Registrations of its own children a node takes; beyond, it answers 429 with Retry-After. */
  registrationLimit: RateLimit;
}

export type NodeConfigSpec = Omit<Partial<NodeConfig>, "latency"> & { latency?: Partial<NodeConfig["latency"]> } & Pick<
    NodeConfig,
    "id" | "name" | "ip" | "portHttp" | "situation" | "reservedCpuMilli" | "reservedMemoryBytes"
  >;

/** Fills defaults and checks names against the plugin registries (unknown names are config errors). */
export function resolveNodeConfig(spec: NodeConfigSpec): NodeConfig {
  const config: NodeConfig = {
    portFaas: spec.portHttp + 1,
    tags: ["node_to_node", spec.name],
    maxInFlight: defaultMaxInFlight(spec.reservedMemoryBytes),
    advertisedBandwidthBps: 1e9,
    strategy: "auction",
    valuation: "quadratic",
    valuationParams: {},
    reduction: false,
    latencyModel: "tcp",
    faasUrl: undefined,
    faasAuth: undefined,
    liveTimeoutMs: 120_000,
    hopMarginMs: 25,
    defaultBudgetMs: 4000,
    proposalTtlMs: 60_000,
    bodyLimit: 64 * 1024,
    marketKey: undefined,
    registrationLimit: { perSecond: 50, burst: 500 },
    ...spec,
    latency: {
      pingsPerRound: 5,
      warmupRounds: 8,
      periodMs: 15_000,
      settlePeriodMs: 1000,
      settleForMs: 0,
      probeTimeoutMs: 1000,
      roundStatistic: "mean",
      ...spec.latency,
    },
  };
  const plugin = strategyByName(config.strategy);
  if (plugin.forcedValuation !== undefined) config.valuation = plugin.forcedValuation;
  valuationByName(config.valuation).validate(config.valuationParams);
  latencyModel(config.latencyModel);
  for (const field of ["reservedCpuMilli", "reservedMemoryBytes", "maxInFlight", "advertisedBandwidthBps"] as const) {
    if (!(Number.isFinite(config[field]) && config[field] > 0)) {
      throw new ConfigError(
        field,
        `Expected \`${field}\` of node ${config.name} to be a positive number, got ${config[field]}.`,
      );
    }
  }
  return config;
}

/** The node part of a config derived from a topology entry (the launcher and the Grid'5000 provider use it). */
export function nodeSpecFromTopology(
  node: TopologyNode,
  where: { ip: string; portHttp: number; portFaas?: number; situation: NodeConfig["situation"] },
): NodeConfigSpec {
  return {
    id: node.id,
    name: node.name,
    ip: where.ip,
    portHttp: where.portHttp,
    ...(where.portFaas === undefined ? {} : { portFaas: where.portFaas }),
    situation: where.situation,
    tags: node.parent === null ? ["node_to_market", node.name] : ["node_to_node", node.name],
    reservedCpuMilli: node.flavor.reservedCores * 1000,
    reservedMemoryBytes: node.flavor.reservedMemMiB * 1024 * 1024,
    ...(node.maxInFlight === undefined ? {} : { maxInFlight: node.maxInFlight }),
    advertisedBandwidthBps: node.link?.rateBps ?? 1e9,
    valuationParams: node.valuation,
  };
}
