/**
 * Rows of the relative comparison. A run group is the runs that share one network: the same GIRAFF job and
 * environment for imported archives, the same size, repetition and variation for ours (the topology is a function
 * of those), so strategies in a group faced the same nodes and requests. Per group and metric:
 * value_σ = (value − mean of the auction runs) / SD of all the group's runs; 0 when the SD is 0 (all equal).
 * Groups without an auction run, or with a single run (no SD), are left out. Spending comes in both definitions:
 * the winners' own bids (GIRAFF's) and the charged second prices (none in GIRAFF archives: left out there).
 *
 * The summary pools every network size: per strategy and metric, the mean σ over all its runs with the 95 % t
 * interval (`nodes` NULL). The σ of a run is already relative to its own network, so runs of different sizes are
 * comparable, and the figure's line then joins the very points it draws (a line per size would be one per size
 * and strategy, unreadable at seven strategies); how each metric moves with size is in the other figures.
 */
import { rows, type DuckDBConnection } from "../../analysis/connection.ts";
import { quoteLiteral } from "../../analysis/sql.ts";
import { summarySql } from "../query-rows.ts";
import { REFERENCE_STRATEGY } from "../theme.ts";
import type { FigureRows, RunValueRow, SummaryRow } from "../types.ts";
import { RELATIVE_METRICS } from "./spec.ts";

const text = (sql: string) => `coalesce(CAST(${sql} AS VARCHAR), '')`;

export const RELATIVE_SQL = `WITH base AS (
    SELECT m.run_key, m.strategy, m.nodes,
      concat_ws('|', ${text("r.giraff_run")}, ${text("r.env")}, ${text("r.env_live")}, ${text("m.nodes")},
        ${text("m.size_multiplier")}, ${text("m.repetition")}, ${text("m.variation")}) AS run_group,
      m.sla_violation_pct, m.unplaced_pct, m.mean_spending_giraff AS spending_giraff,
      m.mean_spending_charged AS spending_charged, m.mean_latency_ms, m.mean_deployment_ms
    FROM run_metrics m JOIN runs r USING (run_key)
    WHERE m.strategy IS NOT NULL AND m.nodes IS NOT NULL
  ), long AS (
    UNPIVOT base ON ${RELATIVE_METRICS.map((m) => m.metric).join(", ")} INTO NAME panel VALUE value
  ), groups AS (
    SELECT run_group, panel, avg(value) FILTER (WHERE strategy = ${quoteLiteral(REFERENCE_STRATEGY)}) AS reference,
      stddev_samp(value) AS sd
    FROM long GROUP BY ALL
  )
  SELECT l.run_key, l.strategy, l.nodes, l.panel,
    CASE WHEN g.sd = 0 THEN 0.0 ELSE (l.value - g.reference) / g.sd END AS value
  FROM long l JOIN groups g USING (run_group, panel)
  WHERE g.reference IS NOT NULL AND g.sd IS NOT NULL`;

/** The per-run rows with every network size folded into one (`nodes` NULL), for the pooled summary. */
const POOLED_SQL = `SELECT run_key, strategy, NULL::INTEGER AS nodes, panel, value FROM (${RELATIVE_SQL})`;

export async function queryRelativeToGiraff(con: DuckDBConnection): Promise<FigureRows> {
  const runs = (await rows(con, `SELECT * FROM (${RELATIVE_SQL}) ORDER BY ALL`)) as unknown as RunValueRow[];
  const summary = (await rows(con, summarySql(POOLED_SQL))) as unknown as SummaryRow[];
  return { runs, summary };
}
