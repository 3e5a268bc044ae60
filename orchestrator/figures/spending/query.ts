/** Rows of the spending figure: `run_metrics.mean_spending_giraff` and `mean_spending_charged` (`chain_spending`). */
import type { DuckDBConnection } from "../../analysis/connection.ts";
import { metricRows } from "../query-rows.ts";
import type { FigureRows } from "../types.ts";
import { SPENDING_PANELS } from "./spec.ts";

export function querySpending(con: DuckDBConnection): Promise<FigureRows> {
  return metricRows(con, [
    { metric: "mean_spending_giraff", panel: SPENDING_PANELS[0] },
    { metric: "mean_spending_charged", panel: SPENDING_PANELS[1] },
  ]);
}
