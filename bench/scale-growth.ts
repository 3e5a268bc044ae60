/**
 * `scale-growth`: the `scale-<N>` entries of this run side by side, per node, and how each figure grows from one
 * size to the next (value ratio against node ratio: a per-node ratio of 1 is linear growth). Also the largest size
 * whose auctions ran below the analysis's distortion threshold (timer slack p99 ≤ 10 ms, estimated as the analysis
 * does: `orchestrator/analysis/views/16-run_emulation.sql`). Runs last in the `scale` set; measures nothing itself.
 */
import { round, target, type Benchmark, type BenchResult } from "./common.ts";

/** The analysis flags a run as distorted above this timer slack p99 (ms). */
export const DISTORTION_THRESHOLD_MS = 10;

/** Figures compared across sizes, and whether each is a per-node quantity already. */
const COMPARED = [
  "readyAfterMs",
  "totalRssGiB",
  "idleCpuPercentOfCore",
  "probeCpuPercentOfCore",
  "firstAwardAfterReadyMs",
  "overheadP50Ms",
  "overheadP99Ms",
  "loopLagP99Ms",
  "timerSlackP99Ms",
] as const;

export const scaleGrowth: Benchmark = {
  name: "scale-growth",
  set: "scale",
  subnet: "127.224",
  run(ctx) {
    const sizes = ctx.earlier
      .filter((r) => r.completed && /^scale-\d+$/.test(r.name))
      .sort((a, b) => (a.figures.nodes ?? 0) - (b.figures.nodes ?? 0));
    if (sizes.length === 0) throw new Error("scale-growth needs at least one scale-<N> entry earlier in the run.");
    const table = sizes.map((r) => ({
      nodes: r.figures.nodes ?? null,
      ...Object.fromEntries(COMPARED.map((k) => [k, r.figures[k] ?? null])),
      rssPerNodeKiB: r.figures.rssPerNodeKiB ?? null,
      idleCpuUsPerNodePerS: r.figures.idleCpuUsPerNodePerS ?? null,
      probeCpuUsPerNodePerS: r.figures.probeCpuUsPerNodePerS ?? null,
      readyMsPer1000Nodes: perThousand(r, "readyAfterMs"),
      allTargetsMet: r.allTargetsMet,
    }));
    const growth = Object.fromEntries(COMPARED.map((k) => [k, steps(sizes).map(([a, b]) => ratio(a, b, k))]));
    const below = sizes.filter((r) => belowThreshold(r));
    const largestBelow = below.length === 0 ? null : Math.max(...below.map((r) => r.figures.nodes ?? 0));
    const smallest = sizes[0]!;
    const largest = sizes[sizes.length - 1]!;
    const perNode = (k: (typeof COMPARED)[number]) => ratio(smallest, largest, k).perNodeRatio;
    return Promise.resolve({
      params: { sizes: sizes.map((r) => r.figures.nodes ?? null), distortionThresholdMs: DISTORTION_THRESHOLD_MS },
      figures: {
        smallestNodes: smallest.figures.nodes ?? null,
        largestNodes: largest.figures.nodes ?? null,
        readyPerNodeGrowth: perNode("readyAfterMs"),
        rssPerNodeGrowth: perNode("totalRssGiB"),
        probeCpuPerNodeGrowth: perNode("probeCpuPercentOfCore"),
        overheadP50Growth: ratio(smallest, largest, "overheadP50Ms").valueRatio,
        largestSizeBelowDistortionThresholdNodes: largestBelow,
      },
      details: { table, growth },
      targets: [target("largestNodes", ">=", 10_000, "nodes", largest.figures.nodes ?? null)],
    });
  },
};

function steps(sizes: readonly BenchResult[]): [BenchResult, BenchResult][] {
  return sizes.slice(1).map((b, i) => [sizes[i]!, b]);
}

/** How `k` grew from `a` to `b`: the value ratio, the node ratio, and the value ratio per node. */
function ratio(a: BenchResult, b: BenchResult, k: string) {
  const va = a.figures[k];
  const vb = b.figures[k];
  const nodesRatio = (b.figures.nodes ?? NaN) / (a.figures.nodes ?? NaN);
  const valueRatio = va === undefined || va === null || vb === undefined || vb === null || va === 0 ? null : vb / va;
  return {
    from: a.figures.nodes ?? null,
    to: b.figures.nodes ?? null,
    nodesRatio: round(nodesRatio, 2),
    valueRatio: round(valueRatio, 2),
    perNodeRatio: valueRatio === null ? null : round(valueRatio / nodesRatio, 3),
  };
}

function perThousand(r: BenchResult, k: string): number | null {
  const v = r.figures[k];
  const n = r.figures.nodes;
  return v === undefined || v === null || n === undefined || n === null ? null : round((v / n) * 1000, 1);
}

function belowThreshold(r: BenchResult): boolean {
  const slack = r.figures.timerSlackP99Ms;
  return typeof slack === "number" && slack <= DISTORTION_THRESHOLD_MS;
}
