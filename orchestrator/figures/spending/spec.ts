/**
 * "Mean Spending per Function Chain", in two panels: what our market charged (second price) and the winner's own
 * price, which is what GIRAFF's R code summed (and all a GIRAFF archive has).
 */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import type { FigureRows } from "../types.ts";

export const SPENDING_PANELS = ["charged (second price)", "winner's own price"] as const;

export function spendingPerChain(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, {
    title: "Mean Spending per Function Chain",
    yTitle: "Spending per chain",
    panels: SPENDING_PANELS,
  });
}
