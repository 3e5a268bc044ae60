-- The headline metrics of each run (GIRAFF's Euro-Par set, §14.3), one row per run.
CREATE OR REPLACE VIEW run_metrics AS
SELECT r.run_key, r.source_format, r.strategy, r.nodes, r.size_multiplier, r.repetition, r.variation,
  (SELECT 100.0 * count(*) FILTER (WHERE NOT respected) / nullif(count(*), 0) FROM chain_sla c
    WHERE c.run_key = r.run_key) AS sla_violation_pct,
  (SELECT avg(mean_in_flight_ms) FROM chain_sla c WHERE c.run_key = r.run_key) AS mean_latency_ms,
  (SELECT avg(deployment_ms) FROM chain_deployment c WHERE c.run_key = r.run_key) AS mean_deployment_ms,
  (SELECT avg(spending_charged) FROM chain_spending c WHERE c.run_key = r.run_key) AS mean_spending_charged,
  (SELECT avg(spending_reference) FROM chain_spending c WHERE c.run_key = r.run_key) AS mean_spending_reference,
  (SELECT 100.0 * sum(unplaced) / nullif(sum(requested), 0) FROM unplaced_functions u
    WHERE u.run_key = r.run_key) AS unplaced_pct,
  (SELECT any_value(jain_reference) FROM jain_earnings j WHERE j.run_key = r.run_key) AS jain_reference,
  (SELECT any_value(jain_charged) FROM jain_earnings j WHERE j.run_key = r.run_key) AS jain_charged,
  (SELECT avg(cpu_mean) FROM node_utilisation n WHERE n.run_key = r.run_key) AS cpu_utilisation
FROM runs r;
