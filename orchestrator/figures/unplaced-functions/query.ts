/**
 * Rows of the unplaced-functions figure: `unplaced_functions` per run and latency class, with the run's strategy
 * and size from `runs`. A run with no function of a class has no row for it (no share, rather than 0 %).
 */
import type { DuckDBConnection } from "../../analysis/connection.ts";
import { listLiteral } from "../../analysis/sql.ts";
import { summarisedRows } from "../query-rows.ts";
import type { FigureRows } from "../types.ts";
import { LATENCY_CLASSES } from "./spec.ts";

export function queryUnplacedFunctions(con: DuckDBConnection): Promise<FigureRows> {
  return summarisedRows(
    con,
    `SELECT u.run_key, r.strategy, r.nodes, u.latency_class AS panel, u.unplaced_pct AS value
     FROM unplaced_functions u JOIN runs r USING (run_key)
     WHERE r.strategy IS NOT NULL AND r.nodes IS NOT NULL AND u.unplaced_pct IS NOT NULL
       AND list_contains(${listLiteral(LATENCY_CLASSES)}, u.latency_class)`,
  );
}
