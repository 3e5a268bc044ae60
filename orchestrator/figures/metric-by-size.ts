/**
 * The Euro-Par figure shape shared by most figures (GIRAFF's `create_metric_comparison_plot`): x = network size,
 * colour = placement method, faint points per run, a linear fit per method over the runs, and the per-size mean
 * with its 95 % CI bar. Runs and summaries travel in one dataset (`kind`) because a faceted spec takes one dataset.
 */
import type { TopLevelSpec } from "vega-lite";
import { CONFIG, HEIGHT, sortRuns, sortSummary, strategyColor, strategyDomain, WIDTH } from "./theme.ts";
import type { FigureRows } from "./types.ts";

export interface MetricBySizeOptions {
  title: string;
  /** The y axis title, with its unit. */
  yTitle: string;
  /** Facet values in display order; a single-panel figure omits it. */
  panels?: readonly string[];
  /** Layers drawn first (reference lines), reading the same dataset. */
  underlay?: readonly object[];
}

/** A Vega-Lite spec of `rows` in the Euro-Par shape; deterministic in the rows' content, not their order. */
export function metricBySizeSpec(rows: FigureRows, options: MetricBySizeOptions): TopLevelSpec {
  const values = [
    ...sortRuns(rows.runs).map((r) => ({ kind: "run", ...r })),
    ...sortSummary(rows.summary).map((s) => ({ kind: "summary", ...s })),
  ];
  const x = { field: "nodes", type: "quantitative", title: "Network size (nodes)", scale: { zero: false } };
  const color = strategyColor(strategyDomain([...rows.runs, ...rows.summary]));
  const y = (field: string) => ({ field, type: "quantitative", title: options.yTitle });
  const runs = { filter: "datum.kind === 'run'" };
  const summary = { filter: "datum.kind === 'summary'" };
  const layer = [
    ...(options.underlay ?? []),
    {
      transform: [runs],
      mark: { type: "point", opacity: 0.35, size: 18 },
      encoding: { x, y: y("value"), color },
    },
    {
      transform: [runs, { regression: "value", on: "nodes", groupby: ["strategy", "panel"] }],
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: { x, y: y("value"), color },
    },
    {
      transform: [summary, { filter: "isValid(datum.ci_low) && isValid(datum.ci_high)" }],
      mark: { type: "rule", strokeWidth: 1.5 },
      encoding: { x, y: y("ci_low"), y2: { field: "ci_high" }, color },
    },
    {
      transform: [summary],
      mark: { type: "point", filled: true, size: 55, opacity: 1 },
      encoding: { x, y: y("mean"), color },
    },
  ];
  const base = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title: options.title, config: CONFIG };
  if (options.panels === undefined) {
    return { ...base, data: { values }, width: WIDTH, height: HEIGHT, layer } as TopLevelSpec;
  }
  return {
    ...base,
    data: { values },
    facet: { column: { field: "panel", type: "nominal", title: null, sort: [...options.panels] } },
    spec: { width: WIDTH, height: HEIGHT, layer },
  } as TopLevelSpec;
}
