/**
 * Hand-made rows for the spec snapshot tests: two strategies × two network sizes × two runs, values chosen by
 * hand; summaries follow `strategy_summary`'s formula (t975 for 1–3 degrees of freedom suffices here).
 */
import type { FigureRows, RunValueRow, SummaryRow } from "../types.ts";

const T975 = [NaN, 12.7062, 4.3027, 3.1824];

/** Summary rows of `runs`, grouped by strategy × nodes × panel (`nodes` NULL: pooled). */
export function summarise(runs: readonly (Omit<RunValueRow, "nodes"> & { nodes: number | null })[]): SummaryRow[] {
  const groups = new Map<string, (typeof runs)[number][]>();
  for (const r of runs) {
    const key = JSON.stringify([r.strategy, r.nodes, r.panel]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const n = g.length;
    const mean = g.reduce((s, r) => s + r.value, 0) / n;
    const sd = n > 1 ? Math.sqrt(g.reduce((s, r) => s + (r.value - mean) ** 2, 0) / (n - 1)) : null;
    const half = sd === null ? null : (T975[n - 1]! * sd) / Math.sqrt(n);
    const { strategy, nodes, panel } = g[0]!;
    return {
      strategy,
      nodes,
      panel,
      runs: n,
      mean,
      sd,
      ci_low: half === null ? null : mean - half,
      ci_high: half === null ? null : mean + half,
    };
  });
}

/** Rows of one or more panels: `[strategy, nodes, value]` triples, two runs each (run keys made up from them). */
export function fixtureRows(panels: Record<string, [string, number, number][]>): FigureRows {
  const runs: RunValueRow[] = Object.entries(panels).flatMap(([panel, triples]) =>
    triples.map(([strategy, nodes, value], i) => ({
      run_key: `${strategy}-${nodes}-${i}`,
      strategy,
      nodes,
      panel,
      value,
    })),
  );
  return { runs, summary: summarise(runs) };
}

// prettier-ignore
const grid = (a: number[], b: number[]): [string, number, number][] => [
  ["auction", 10, a[0]!], ["auction", 10, a[1]!], ["auction", 20, a[2]!], ["auction", 20, a[3]!],
  ["edge-first", 10, b[0]!], ["edge-first", 10, b[1]!], ["edge-first", 20, b[2]!], ["edge-first", 20, b[3]!],
];

/** Summary rows over every network size (`nodes` NULL), as the relative comparison's query pools them. */
export function pooled(rows: FigureRows): FigureRows {
  return { runs: rows.runs, summary: summarise(rows.runs.map((r) => ({ ...r, nodes: null }))) };
}

/**
 * The seven strategies of a full campaign in σ: per metric, each baseline's typical value (the auction is 0), its
 * four runs (two sizes × two) spread by −0.2, +0.1, −0.1, +0.2 around it. Several strategies share values on some
 * metrics (0 and 0.5), so lines and points overlap as they do in real campaigns.
 */
// prettier-ignore
const RELATIVE_TYPICAL: Record<string, number[]> = {
  //                 SLA   unplaced own bid  paid  latency deployment
  "cloud-only":    [ 2.5,  -0.5,    -2.0,  -2.5,   2.4,    2.2],
  "edge-first":    [ 0.5,   1.2,     0.8,   0.0,  -0.4,   -0.6],
  "edge-furthest": [ 0.5,   0.3,     0.6,  -0.2,   0.2,    0.0],
  "edge-ward":     [ 1.0,  -1.8,     0.0,  -0.9,   0.4,    0.5],
  "max-cpu":       [ 0.0,   0.6,     0.5,   0.0,  -0.1,   -0.3],
  mincpurandom:    [ 0.0,   0.3,     0.0,  -0.7,  -0.1,   -0.3],
};

function relativeFixture(): FigureRows {
  const spread = [-0.2, 0.1, -0.1, 0.2];
  const panels = ["sla_violation_pct", "unplaced_pct", "spending_giraff", "spending_charged", "mean_latency_ms",
    "mean_deployment_ms"]; // prettier-ignore
  const runs: RunValueRow[] = panels.flatMap((panel, m) => [
    ...[10, 10, 20, 20].map((nodes, i) => ({
      run_key: `auction-${nodes}-${i}`,
      strategy: "auction",
      nodes,
      panel,
      value: 0,
    })),
    ...Object.entries(RELATIVE_TYPICAL).flatMap(([strategy, typical]) =>
      [10, 10, 20, 20].map((nodes, i) => ({
        run_key: `${strategy}-${nodes}-${i}`,
        strategy,
        nodes,
        panel,
        value: typical[m]! + spread[i]!,
      })),
    ),
  ]);
  return pooled({ runs, summary: [] });
}

/** One panel per figure, named as the query names it. */
export const FIXTURES = {
  slaViolations: fixtureRows({
    "final: % of pseudo-chains violated": grid([10, 14, 18, 22.5], [25, 35, 40, 52]),
    "respected: % of chains violated": grid([20, 25, 30, 33], [40, 50, 55, 65]),
    "v3: mean % of hops violated": grid([4, 6, 7, 9], [12, 15, 18, 24]),
  }),
  deploymentTime: fixtureRows({ mean_deployment_ms: grid([420, 480, 510, 590], [300, 330, 350, 390]) }),
  spendingPerChain: fixtureRows({
    "GIRAFF: winner's own bid": grid([10, 11.5, 13, 14], [20, 22, 21, 24]),
    "paid: second price": grid([12, 13, 15, 16.5], [20, 22, 21, 24]),
  }),
  latencyBetweenFunctions: fixtureRows({ mean_latency_ms: grid([8.2, 9.1, 9.8, 11.3], [5.1, 5.6, 6.2, 6.9]) }),
  unplacedFunctions: fixtureRows({
    "< 15 ms": grid([30, 40, 35, 45], [60, 70, 66.7, 75]),
    "15–150 ms": grid([5, 8, 6, 9], [10, 12, 15, 18]),
    "> 150 ms": grid([0, 0, 1, 0], [0, 2, 0, 3]),
  }),
  relativeToGiraff: relativeFixture(),
  jainIndex: fixtureRows({
    "GIRAFF: winner's own bid": grid([0.6, 0.64, 0.53, 0.57], [0.3, 0.34, 0.22, 0.25]),
    "paid: second price": grid([0.62, 0.66, 0.55, 0.58], [0.3, 0.34, 0.22, 0.25]),
  }),
} satisfies Record<string, FigureRows>;
