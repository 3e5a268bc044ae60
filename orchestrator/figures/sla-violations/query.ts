/**
 * Rows of the SLA-violation figure: the three definitions of `run_metrics` (`sla_violation_pct`, GIRAFF's final
 * one, `sla_violation_respected_pct`, `sla_violation_v3_pct`; 05b-chain_violation.sql) and their summaries.
 */
import type { DuckDBConnection } from "../../analysis/connection.ts";
import { metricRows } from "../query-rows.ts";
import type { FigureRows } from "../types.ts";
import { SLA_VIOLATION_DEFINITIONS } from "./spec.ts";

export function querySlaViolations(con: DuckDBConnection): Promise<FigureRows> {
  return metricRows(con, SLA_VIOLATION_DEFINITIONS);
}
