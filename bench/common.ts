/**
 * What every benchmark shares: the result shape, targets, percentiles, the SLA the benchmarks submit, the
 * explored region of an auction, and progress on stderr (stdout carries only the JSON document).
 */
import type { AuctionRecord } from "../runtime/market/auction.ts";
import type { Sla } from "../runtime/protocol/messages.ts";
import { treePaths, type PathLookup } from "../runtime/protocol/path-matrix.ts";
import type { Topology } from "../runtime/protocol/topology.ts";
import { REASONS } from "../runtime/strategies/types.ts";

/** A target from the issue, and how the run compares to it. */
export interface Target {
  /** Key of the figure in `figures`. */
  figure: string;
  op: "<=" | ">=";
  value: number;
  unit: string;
  actual: number | null;
  met: boolean;
}

export interface BenchResult {
  name: string;
  /** False when the benchmark itself failed (see `error`); its targets then count as missed. */
  completed: boolean;
  error?: string;
  /** What was run: sizes, seeds, options. */
  params: Record<string, unknown>;
  /** Measured numbers; keys end with their unit (`Ms`, `PerS`, `MiB`, …). */
  figures: Record<string, number | null>;
  /** Distributions and breakdowns that do not fit a single number. */
  details: Record<string, unknown>;
  targets: Target[];
  /** A reference measured in the same run, and this benchmark's figure divided by it. */
  baseline?: { what: string; figures: Record<string, number | null>; ratio: { what: string; value: number | null } };
  allTargetsMet: boolean;
  wallMs: number;
}

export interface BenchContext {
  quick: boolean;
  /** The results of the benchmarks run before this one in the same run (for summaries across entries). */
  earlier: readonly BenchResult[];
  /** `127.A`: the loopback /16 this benchmark's network uses. */
  subnet: string;
  seed: number;
  progress(message: string): void;
}

export interface Benchmark {
  name: string;
  /** A set `--only <set>` selects as a whole (`scale`: `scale-100` … `scale-growth`). */
  set?: string;
  /** Not run with `--quick` (sizes too large for a smoke test). */
  skipWhenQuick?: boolean;
  subnet: string;
  run(ctx: BenchContext): Promise<Omit<BenchResult, "name" | "completed" | "allTargetsMet" | "wallMs">>;
}

export function target(
  figure: string,
  op: Target["op"],
  value: number,
  unit: string,
  actual: number | null | undefined,
): Target {
  const a = actual ?? null;
  const met = a !== null && Number.isFinite(a) && (op === "<=" ? a <= value : a >= value);
  return { figure, op, value, unit, actual: a, met };
}

/** Nearest-rank percentile (p in 0–100) of unsorted numbers; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/** p50, p90, p99, min, max and mean, rounded to µs. */
export function summary(values: readonly number[]): Record<string, number | null> {
  return {
    n: values.length,
    min: round(values.length === 0 ? null : Math.min(...values)),
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p99: round(percentile(values, 99)),
    max: round(values.length === 0 ? null : Math.max(...values)),
    mean: round(mean(values)),
  };
}

export function round(x: number | null, digits = 3): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Counts of each value. */
export function histogram(values: readonly (string | number)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

/** A small SLA: room for thousands at once on a cloud node, and a realistic latency budget. */
export function benchSla(name: string, overrides: Partial<Omit<Sla, "id">> = {}): Omit<Sla, "id"> {
  return {
    memoryBytes: 16e6,
    cpuMilli: 10,
    latencyMaxMs: 100,
    durationMs: 1000,
    replicas: 1,
    functionImage: "giraff-ts/bench:noop",
    functionLiveName: name,
    dataFlow: [],
    envVars: [],
    inputMaxSizeBytes: 1500,
    ...overrides,
  };
}

/** The same SLA in GIRAFF's wire form, for `PUT /api/function`. */
export function wireSla(sla: Omit<Sla, "id">): Record<string, unknown> {
  return {
    memory: `${sla.memoryBytes} B`,
    cpu: `${sla.cpuMilli} millicpu`,
    latencyMax: `${sla.latencyMaxMs} ms`,
    duration: `${sla.durationMs} ms`,
    replicas: sla.replicas,
    functionImage: sla.functionImage,
    functionLiveName: sla.functionLiveName,
    dataFlow: sla.dataFlow,
    envVars: sla.envVars,
    inputMaxSize: `${sla.inputMaxSizeBytes} B`,
  };
}

/** Refusals that name a neighbour that was screened out, i.e. never asked. */
const NOT_ASKED = new Set<string>([REASONS.latencyTooHigh, REASONS.latencyUnknown]);

/**
 * The nodes an auction reached (that bid, or were asked and declined or failed) and the deepest one-way path
 * latency from the target among them: the network floor of the auction is twice that.
 */
export function exploredRegion(
  topology: Topology,
  record: AuctionRecord,
  paths: PathLookup = treePaths(topology),
): { nodes: number; deepestMs: number } {
  const reached = new Set<string>([record.targetNode]);
  for (const b of record.bids) reached.add(b.nodeId);
  for (const r of record.refusals) if (!NOT_ASKED.has(r.reason)) reached.add(r.nodeId);
  let deepestMs = 0;
  for (const id of reached) deepestMs = Math.max(deepestMs, paths(record.targetNode, id).latencyMs);
  return { nodes: reached.size, deepestMs };
}

/** IoT-connected node ids of a topology, in topology order. */
export function iotNodes(topology: Topology): string[] {
  return topology.nodes.filter((n) => n.iotConnected).map((n) => n.id);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
