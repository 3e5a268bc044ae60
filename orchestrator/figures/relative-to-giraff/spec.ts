/**
 * Placement methods relative to GIRAFF (GIRAFF's `output_placement_method_comparison`): each of its five metrics
 * (spending in both definitions: the winner's own bid, as GIRAFF, and the charged price, so six here),
 * lower is better, centred on the auction strategy's mean in the same run group and divided by that group's SD,
 * so 0 is GIRAFF and the unit is σ. Per strategy: a line through its mean per metric (over all runs), and per
 * network size a point (size = nodes) with its 95 % CI, offset within the metric's band so strategies do not overlap.
 */
import type { TopLevelSpec } from "vega-lite";
import { CONFIG, HEIGHT, sortRuns, sortSummary, strategyColor, strategyDomain } from "../theme.ts";
import type { FigureRows } from "../types.ts";

/** The compared metrics (the `panel` of the rows), in axis order, with their axis labels. */
export const RELATIVE_METRICS = [
  { metric: "sla_violation_pct", label: "SLA violations" },
  { metric: "unplaced_pct", label: "Unplaced functions" },
  { metric: "spending_giraff", label: "Spending (own bid)" },
  { metric: "spending_charged", label: "Spending (paid)" },
  { metric: "mean_latency_ms", label: "Latency" },
  { metric: "mean_deployment_ms", label: "Deployment time" },
] as const;

export function relativeToGiraff(rows: FigureRows): TopLevelSpec {
  const label = new Map<string, string>(RELATIVE_METRICS.map((m) => [m.metric, m.label]));
  const named = <T extends { panel: string }>(r: T) => ({ ...r, metric: label.get(r.panel) ?? r.panel });
  const values = [
    ...sortRuns(rows.runs).map((r) => ({ kind: "run", ...named(r) })),
    ...sortSummary(rows.summary).map((s) => ({ kind: "summary", ...named(s) })),
  ];
  const order = [...RELATIVE_METRICS.map((m) => m.label as string), ...new Set(values.map((v) => v.metric))];
  const x = { field: "metric", type: "nominal", title: null, sort: [...new Set(order)], axis: { labelAngle: 0 } };
  const y = (field: string) => ({ field, type: "quantitative", title: "σ relative to GIRAFF (lower is better)" });
  const color = strategyColor(strategyDomain([...rows.runs, ...rows.summary]));
  const size = {
    field: "nodes",
    type: "quantitative",
    title: "Network size",
    scale: { range: [30, 120], zero: false },
  };
  const summary = { filter: "datum.kind === 'summary'" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Placement Methods Relative to GIRAFF",
    config: CONFIG,
    data: { values },
    width: 680,
    height: HEIGHT,
    layer: [
      { mark: { type: "rule", color: "#888", strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
      {
        transform: [
          { filter: "datum.kind === 'run'" },
          { aggregate: [{ op: "mean", field: "value", as: "overall" }], groupby: ["strategy", "metric"] },
        ],
        mark: { type: "line", strokeWidth: 1.5, opacity: 0.7 },
        encoding: { x, y: y("overall"), color },
      },
      {
        transform: [summary, { filter: "isValid(datum.ci_low) && isValid(datum.ci_high)" }],
        mark: { type: "rule", strokeWidth: 1.2 },
        encoding: {
          x,
          xOffset: { field: "strategy", sort: color.scale.domain },
          y: y("ci_low"),
          y2: { field: "ci_high" },
          color,
        },
      },
      {
        transform: [summary],
        mark: { type: "point", filled: true, opacity: 1 },
        encoding: { x, xOffset: { field: "strategy", sort: color.scale.domain }, y: y("mean"), color, size },
      },
    ],
  } as TopLevelSpec;
}
