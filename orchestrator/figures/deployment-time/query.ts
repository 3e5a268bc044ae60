/** Rows of the deployment-time figure: `run_metrics.mean_deployment_ms` (mean of `chain_deployment`). */
import type { DuckDBConnection } from "../../analysis/connection.ts";
import { metricRows } from "../query-rows.ts";
import type { FigureRows } from "../types.ts";

export function queryDeploymentTime(con: DuckDBConnection): Promise<FigureRows> {
  return metricRows(con, [{ metric: "mean_deployment_ms", panel: "mean_deployment_ms" }]);
}
