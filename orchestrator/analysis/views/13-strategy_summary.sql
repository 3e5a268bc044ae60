-- Per strategy × network size (nodes) × metric: runs, mean, standard deviation and the 95 % confidence interval
-- of the mean with Student's t (NULL bounds for a single run).
CREATE OR REPLACE VIEW strategy_summary AS
WITH long AS (
  UNPIVOT (SELECT strategy, nodes, sla_violation_pct, sla_violation_v3_pct, sla_violation_respected_pct,
    mean_latency_ms, mean_deployment_ms, mean_spending_giraff, mean_spending_charged, unplaced_pct, jain_reference,
    jain_charged, cpu_utilisation FROM run_metrics)
  ON COLUMNS(* EXCLUDE (strategy, nodes)) INTO NAME metric VALUE value
), stats AS (
  SELECT strategy, nodes, metric, count(value) AS runs, avg(value) AS mean, stddev_samp(value) AS sd
  FROM long GROUP BY ALL
)
SELECT *, mean - t975(runs - 1) * sd / sqrt(runs) AS ci_low, mean + t975(runs - 1) * sd / sqrt(runs) AS ci_high
FROM stats;
