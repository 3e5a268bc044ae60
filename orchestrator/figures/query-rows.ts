/**
 * SQL for figure rows, over the analysis views (their names and columns are the contract; this module only reads
 * them). A metric of `run_metrics` gives the per-run rows and `strategy_summary` its means and intervals; figures
 * whose grouping the views do not summarise (latency classes, σ relative to the auction) summarise with the same
 * formula as `strategy_summary` (`summarySql`), so every interval in every figure means the same thing.
 */
import { rows, type DuckDBConnection } from "../analysis/connection.ts";
import { quoteIdentifier, quoteLiteral } from "../analysis/sql.ts";
import type { FigureRows, RunValueRow, SummaryRow } from "./types.ts";

/** A `run_metrics` column and the facet label its rows get. */
export interface MetricPanel {
  metric: string;
  panel: string;
}

/** Per-run rows and summaries of `run_metrics` columns (runs without a strategy, size or value are left out). */
export async function metricRows(con: DuckDBConnection, panels: readonly MetricPanel[]): Promise<FigureRows> {
  const runs: RunValueRow[] = [];
  const summary: SummaryRow[] = [];
  for (const { metric, panel } of panels) {
    const column = quoteIdentifier(metric);
    runs.push(
      ...((await rows(
        con,
        `SELECT run_key, strategy, nodes, ${quoteLiteral(panel)} AS panel, ${column} AS value FROM run_metrics
         WHERE ${column} IS NOT NULL AND strategy IS NOT NULL AND nodes IS NOT NULL ORDER BY ALL`,
      )) as unknown as RunValueRow[]),
    );
    summary.push(
      ...((await rows(
        con,
        `SELECT strategy, nodes, ${quoteLiteral(panel)} AS panel, runs, mean, sd, ci_low, ci_high
         FROM strategy_summary WHERE metric = ${quoteLiteral(metric)} AND runs > 0
           AND strategy IS NOT NULL AND nodes IS NOT NULL ORDER BY ALL`,
      )) as unknown as SummaryRow[]),
    );
  }
  return { runs, summary };
}

/**
 * Summary rows of a per-run query (columns run_key, strategy, nodes, panel, value), the formula of
 * `strategy_summary`: mean, sample SD, mean ± t975(runs − 1) · sd / √runs.
 */
export function summarySql(perRunSql: string): string {
  return `WITH per_run AS (${perRunSql}), stats AS (
      SELECT strategy, nodes, panel, count(value) AS runs, avg(value) AS mean, stddev_samp(value) AS sd
      FROM per_run GROUP BY ALL)
    SELECT *, mean - t975(runs - 1) * sd / sqrt(runs) AS ci_low, mean + t975(runs - 1) * sd / sqrt(runs) AS ci_high
    FROM stats ORDER BY ALL`;
}

/** Both tables of a figure from one per-run query. */
export async function summarisedRows(con: DuckDBConnection, perRunSql: string): Promise<FigureRows> {
  const runs = (await rows(con, `SELECT * FROM (${perRunSql}) ORDER BY ALL`)) as unknown as RunValueRow[];
  const summary = (await rows(con, summarySql(perRunSql))) as unknown as SummaryRow[];
  return { runs, summary };
}
