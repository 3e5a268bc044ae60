/** Rows of the latency figure: `run_metrics.mean_latency_ms` (mean of `chain_sla.mean_in_flight_ms`). */
import type { DuckDBConnection } from "../../analysis/connection.ts";
import { metricRows } from "../query-rows.ts";
import type { FigureRows } from "../types.ts";

export function queryLatency(con: DuckDBConnection): Promise<FigureRows> {
  return metricRows(con, [{ metric: "mean_latency_ms", panel: "mean_latency_ms" }]);
}
