/** Rows of the SLA-violation figure: `run_metrics.sla_violation_pct` (from `chain_sla`) and its summary. */
import type { DuckDBConnection } from "../../analysis/connection.ts";
import { metricRows } from "../query-rows.ts";
import type { FigureRows } from "../types.ts";

export function querySlaViolations(con: DuckDBConnection): Promise<FigureRows> {
  return metricRows(con, [{ metric: "sla_violation_pct", panel: "sla_violation_pct" }]);
}
