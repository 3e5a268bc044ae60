-- Requested functions that were not placed, by latency class of their bound: '< 15 ms', '15–150 ms' (both
-- bounds included), '> 150 ms', 'unknown'. Requested = submitted to the market; placed = an awarded auction.
-- A derived table: run_metrics reads it (and strategy_summary through run_metrics).
CREATE OR REPLACE TABLE unplaced_functions AS
WITH awarded AS (
  SELECT DISTINCT run_key, sla_id FROM auction_result WHERE outcome = 'awarded'
), requested AS (
  SELECT s.run_key, s.sla_id,
    CASE WHEN s.latency_max_ms IS NULL THEN 'unknown' WHEN s.latency_max_ms < 15 THEN '< 15 ms'
      WHEN s.latency_max_ms <= 150 THEN '15–150 ms' ELSE '> 150 ms' END AS latency_class,
    a.sla_id IS NOT NULL AS placed
  FROM function_slas s LEFT JOIN awarded a ON a.run_key = s.run_key AND a.sla_id = s.sla_id
  WHERE s.submitted
)
SELECT run_key, latency_class, count(*) AS requested, count(*) FILTER (WHERE NOT placed) AS unplaced,
  100.0 * count(*) FILTER (WHERE NOT placed) / count(*) AS unplaced_pct
FROM requested GROUP BY ALL;
