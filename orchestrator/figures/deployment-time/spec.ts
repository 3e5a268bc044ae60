/** "Mean Deployment Time per Function in Chain": GIRAFF plots the sum over a chain's functions, so do we. */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import type { FigureRows } from "../types.ts";

export function deploymentTime(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, {
    title: "Mean Deployment Time per Function in Chain",
    yTitle: "Deployment time of a chain (ms)",
  });
}
