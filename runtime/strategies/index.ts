/**
 * Placement strategies and valuations, chosen by name from the node's configuration. Everything the node agent
 * needs is exported from here.
 */
import { pickByName } from "../util/registry.ts";
import { auction } from "./placement/auction.ts";
import { cloudOnly } from "./placement/cloud-only.ts";
import { edgeFirst } from "./placement/edge-first.ts";
import { edgeFurthest } from "./placement/edge-furthest.ts";
import { edgeWard } from "./placement/edge-ward.ts";
import { maxCpu } from "./placement/max-cpu.ts";
import { mincpurandom } from "./placement/mincpurandom.ts";
import type { PlacementStrategy } from "./types.ts";

export const STRATEGIES = {
  auction,
  "edge-first": edgeFirst,
  "edge-furthest": edgeFurthest,
  "edge-ward": edgeWard,
  mincpurandom,
  "max-cpu": maxCpu,
  "cloud-only": cloudOnly,
} as const satisfies Record<string, PlacementStrategy>;

export type StrategyName = keyof typeof STRATEGIES;

/** The strategy registered under `name`; an unknown name is a configuration error. */
export function strategy(name: string): PlacementStrategy {
  return pickByName(STRATEGIES, "strategy", name);
}

export * from "./types.ts";
export { accumulate, IQR_PER_SIGMA } from "./accumulate.ts";
export { LATENCY_MODELS, latencyModel, MSS_BYTES, type LatencyModelName } from "./latency-models.ts";
export { latencyFeasible, type LatencyCheck } from "./feasibility.ts";
export { seededRandom, shuffled } from "../util/seeded-random.ts";
export * from "./valuations/index.ts";
export { flood } from "./placement/auction.ts";
export { DEFAULT_PROPOSITIONS_REQUIRED, mincpurandomWalk, type WalkOptions } from "./placement/mincpurandom.ts";
export { MAX_CPU_KEEP } from "./placement/max-cpu.ts";
export { auction, cloudOnly, edgeFirst, edgeFurthest, edgeWard, maxCpu, mincpurandom };
