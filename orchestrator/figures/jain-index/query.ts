/** Rows of the Jain's-index figure: `run_metrics.jain_reference` / `jain_charged` (from `jain_earnings`). */
import type { DuckDBConnection } from "../../analysis/connection.ts";
import { metricRows } from "../query-rows.ts";
import { SPENDING_PANELS } from "../spending/spec.ts";
import type { FigureRows } from "../types.ts";

export function queryJainIndex(con: DuckDBConnection): Promise<FigureRows> {
  return metricRows(con, [
    { metric: "jain_reference", panel: SPENDING_PANELS[0] },
    { metric: "jain_charged", panel: SPENDING_PANELS[1] },
  ]);
}
