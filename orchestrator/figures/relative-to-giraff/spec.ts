/**
 * Placement methods relative to GIRAFF (GIRAFF's `output_placement_method_comparison`): each of its five metrics
 * (spending in both definitions: the winner's own bid, as GIRAFF, and the charged price, so six here),
 * lower is better, centred on the auction strategy's mean in the same run group and divided by that group's SD,
 * so 0 is GIRAFF and the unit is σ. Per strategy and metric: the mean over all its runs (every network size, see
 * query.ts) with its 95 % CI, and a line joining the strategy's means across the metrics.
 *
 * Strategies sit side by side within each metric's band (a dodge). The offset is computed here into one x value
 * that the line, the interval and the point all share, so each line passes through its own points; Vega-Lite's
 * `xOffset` would move the points and intervals but not the line. Lines are opaque (overlapping translucent lines
 * blend into a colour of neither), and each strategy has its own shape as well as its own colour.
 */
import type { TopLevelSpec } from "vega-lite";
import { CONFIG, HEIGHT, sortSummary, strategyColor, strategyDomain, strategyShape } from "../theme.ts";
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

/** The share of a metric's band the dodged strategies span (the rest separates neighbouring metrics). */
export const DODGE_SPAN = 0.7;

/**
 * The x position of `strategy` at metric `metricIndex`: the metric's band centre plus the strategy's slot among
 * `domain`. The report's chart uses the same formula (notebooks/src/components/charts.js).
 */
export function dodgedX(metricIndex: number, strategy: string, domain: readonly string[]): number {
  const slot = domain.length <= 1 ? 0 : domain.indexOf(strategy) / (domain.length - 1) - 0.5;
  return metricIndex + slot * DODGE_SPAN;
}

export function relativeToGiraff(rows: FigureRows): TopLevelSpec {
  const label = new Map<string, string>(RELATIVE_METRICS.map((m) => [m.metric, m.label]));
  // Metrics the rows hold beyond the known six (none today) are appended, so nothing is silently dropped.
  const metrics = [
    ...new Set([...RELATIVE_METRICS.map((m) => m.metric as string), ...rows.summary.map((s) => s.panel)]),
  ];
  // Two-line axis labels ("Unplaced" over "functions"): a band is about 110 px wide, too narrow for some on one line.
  const labels = metrics.map((m) => {
    const text = label.get(m) ?? m;
    const space = text.indexOf(" ");
    return space < 0 ? [text] : [text.slice(0, space), text.slice(space + 1)];
  });
  const domain = strategyDomain([...rows.runs, ...rows.summary]);
  const values = sortSummary(rows.summary).map((s) => ({
    ...s,
    metric: label.get(s.panel) ?? s.panel,
    x: dodgedX(metrics.indexOf(s.panel), s.strategy, domain),
  }));
  const x = {
    field: "x",
    type: "quantitative",
    title: null,
    scale: { domain: [-0.5, metrics.length - 0.5], nice: false, zero: false },
    axis: {
      values: metrics.map((_, i) => i),
      labelExpr: `${JSON.stringify(labels)}[datum.value]`,
      labelAngle: 0,
      labelOverlap: false,
      labelLimit: 0,
      grid: false,
      ticks: false,
    },
  };
  // A short axis title: a longer one overflows the plot's height and pushes the plot down.
  const y = (field: string) => ({ field, type: "quantitative", title: "σ relative to GIRAFF" });
  const color = strategyColor(domain);
  const shape = strategyShape(domain);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Placement Methods Relative to GIRAFF",
      subtitle: "σ from the auction on the same network; 0 is GIRAFF, lower is better; mean and 95 % CI over runs",
    },
    config: CONFIG,
    data: { values },
    width: 680,
    height: HEIGHT + 40,
    layer: [
      {
        // Faint separators between the metrics' bands, so a dodged group reads as one metric.
        data: { values: metrics.slice(1).map((_, i) => ({ x: i + 0.5 })) },
        mark: { type: "rule", color: "#eee" },
        encoding: { x: { field: "x", type: "quantitative", scale: x.scale } },
      },
      { mark: { type: "rule", color: "#888", strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
      {
        name: "lines",
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: { x, y: y("mean"), color, detail: { field: "strategy" }, order: { field: "x" } },
      },
      {
        name: "intervals",
        transform: [{ filter: "isValid(datum.ci_low) && isValid(datum.ci_high)" }],
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: { x, y: y("ci_low"), y2: { field: "ci_high" }, color },
      },
      {
        name: "means",
        // A white outline keeps a marker readable where it sits on another strategy's line.
        mark: { type: "point", filled: true, opacity: 1, size: 60, stroke: "white", strokeWidth: 0.75 },
        encoding: { x, y: y("mean"), color, shape },
      },
    ],
  } as TopLevelSpec;
}
