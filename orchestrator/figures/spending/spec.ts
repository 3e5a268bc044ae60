/**
 * "Mean Spending per Function Chain", in two panels, each named after its definition: the winner's own bid, which
 * is what GIRAFF's R code sums for every strategy (loaders.R `load_bids_won_function`; all a GIRAFF archive has),
 * and what our market charged, the second price (what was paid).
 */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import type { FigureRows } from "../types.ts";

/** Panel labels of the two price definitions, GIRAFF's first; the Jain's-index figure uses them too. */
export const SPENDING_PANELS = ["GIRAFF: winner's own bid", "paid: second price"] as const;

export function spendingPerChain(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, {
    title: "Mean Spending per Function Chain",
    yTitle: "Spending per chain",
    panels: SPENDING_PANELS,
  });
}
