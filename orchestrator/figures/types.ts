/**
 * The rows every figure is drawn from, as read from the DuckDB views (plain objects, numbers as numbers). Two
 * tables per figure: one value per run (the points and the linear fit) and one summary per strategy × network size
 * (the means and their 95 % confidence intervals), so a figure never computes statistics itself.
 */

/** One run's value of one metric. `panel` is the facet (latency class, spending kind) or, in the relative
 * comparison, the metric. */
export interface RunValueRow {
  run_key: string;
  strategy: string;
  nodes: number;
  panel: string;
  value: number;
}

/** Mean, sample SD and Student-t 95 % interval over the runs of one strategy × size × panel (NULL bounds for a
 * single run), as `strategy_summary` computes them. */
export interface SummaryRow {
  strategy: string;
  /** NULL when the summary pools every network size (the relative comparison). */
  nodes: number | null;
  panel: string;
  runs: number;
  mean: number;
  sd: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

export interface FigureRows {
  runs: RunValueRow[];
  summary: SummaryRow[];
}
