/** "Mean Latency between Functions": the mean in-flight time of a chain's hops (network transit only). */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import type { FigureRows } from "../types.ts";

export function latencyBetweenFunctions(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, { title: "Mean Latency between Functions", yTitle: "In-flight time per hop (ms)" });
}
