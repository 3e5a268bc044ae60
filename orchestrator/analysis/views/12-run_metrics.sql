-- The headline metrics of each run (GIRAFF's Euro-Par set, §14.3), one row per run: each source aggregated per run
-- once, then joined (NULL where a run has no rows, as an aggregate over none).
-- SLA violations in the three definitions of 05b-chain_violation.sql: sla_violation_pct is GIRAFF's final one
-- (pseudo-chains), sla_violation_v3_pct the v3.0.0 one, sla_violation_respected_pct the Euro-Par-era chain rule.
-- Spending per chain in both definitions of 08-chain_spending.sql: mean_spending_giraff (the winner's own bid, what
-- GIRAFF's R code sums) and mean_spending_charged (the second price the market charged).
CREATE OR REPLACE VIEW run_metrics AS
WITH latency AS (
  SELECT run_key, avg(mean_in_flight_ms) AS mean_latency_ms FROM chain_sla GROUP BY run_key
), deployment AS (
  SELECT run_key, avg(deployment_ms) AS mean_deployment_ms FROM chain_deployment GROUP BY run_key
), spending AS (
  SELECT run_key, avg(spending_giraff) AS mean_spending_giraff, avg(spending_charged) AS mean_spending_charged
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
  f.violation_pct AS sla_violation_pct, v.violation_pct AS sla_violation_v3_pct,
  c.violation_pct AS sla_violation_respected_pct, l.mean_latency_ms, d.mean_deployment_ms, s.mean_spending_giraff,
  s.mean_spending_charged, u.unplaced_pct, j.jain_reference, j.jain_charged, n.cpu_utilisation
FROM runs r
LEFT JOIN chain_violation_final f ON f.run_key = r.run_key
LEFT JOIN chain_violation_v3 v ON v.run_key = r.run_key
LEFT JOIN chain_violation_respected c ON c.run_key = r.run_key
LEFT JOIN latency l ON l.run_key = r.run_key
LEFT JOIN deployment d ON d.run_key = r.run_key
LEFT JOIN spending s ON s.run_key = r.run_key
LEFT JOIN unplaced u ON u.run_key = r.run_key
LEFT JOIN jain j ON j.run_key = r.run_key
LEFT JOIN utilisation n ON n.run_key = r.run_key;
