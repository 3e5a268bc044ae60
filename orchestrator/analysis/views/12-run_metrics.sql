-- The headline metrics of each run (GIRAFF's Euro-Par set, §14.3), one row per run: each source aggregated per run
-- once, then joined (NULL where a run has no rows, as an aggregate over none).
CREATE OR REPLACE VIEW run_metrics AS
WITH chains AS (
  SELECT run_key, 100.0 * count(*) FILTER (WHERE NOT respected) / nullif(count(*), 0) AS sla_violation_pct,
    avg(mean_in_flight_ms) AS mean_latency_ms
  FROM chain_sla GROUP BY run_key
), deployment AS (
  SELECT run_key, avg(deployment_ms) AS mean_deployment_ms FROM chain_deployment GROUP BY run_key
), spending AS (
  SELECT run_key, avg(spending_charged) AS mean_spending_charged, avg(spending_reference) AS mean_spending_reference
  FROM chain_spending GROUP BY run_key
), unplaced AS (
  SELECT run_key, 100.0 * sum(unplaced) / nullif(sum(requested), 0) AS unplaced_pct
  FROM unplaced_functions GROUP BY run_key
), jain AS (
  SELECT run_key, any_value(jain_reference) AS jain_reference, any_value(jain_charged) AS jain_charged
  FROM jain_earnings GROUP BY run_key
), utilisation AS (
  SELECT run_key, avg(cpu_mean) AS cpu_utilisation FROM node_utilisation GROUP BY run_key
)
SELECT r.run_key, r.source_format, r.strategy, r.nodes, r.size_multiplier, r.repetition, r.variation,
  c.sla_violation_pct, c.mean_latency_ms, d.mean_deployment_ms, s.mean_spending_charged, s.mean_spending_reference,
  u.unplaced_pct, j.jain_reference, j.jain_charged, n.cpu_utilisation
FROM runs r
LEFT JOIN chains c ON c.run_key = r.run_key
LEFT JOIN deployment d ON d.run_key = r.run_key
LEFT JOIN spending s ON s.run_key = r.run_key
LEFT JOIN unplaced u ON u.run_key = r.run_key
LEFT JOIN jain j ON j.run_key = r.run_key
LEFT JOIN utilisation n ON n.run_key = r.run_key;
