/**
 * Jain's index of earnings per node, by strategy: (Σx)² / (n·Σx²) over every node of the topology (zero for nodes
 * that won nothing). 1 means every node earned the same; the dashed line is the floor 1/n (one node earned all).
 * Two panels as in the spending figure: earnings at the winners' own bids (GIRAFF's) and at the charged prices.
 */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import { SPENDING_PANELS } from "../spending/spec.ts";
import type { FigureRows } from "../types.ts";

const FLOOR = {
  transform: [
    { filter: "datum.kind === 'summary'" },
    { aggregate: [{ op: "count", as: "strategies" }], groupby: ["nodes", "panel"] },
    { calculate: "1 / datum.nodes", as: "floor" },
  ],
  mark: { type: "line", color: "#888", strokeDash: [4, 3], strokeWidth: 1 },
  encoding: {
    x: { field: "nodes", type: "quantitative" },
    y: { field: "floor", type: "quantitative" },
  },
};

export function jainIndex(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, {
    title: "Jain's Index of Earnings per Node",
    yTitle: "Jain's index (1 = equal earnings)",
    panels: SPENDING_PANELS,
    underlay: [FLOOR],
  });
}
