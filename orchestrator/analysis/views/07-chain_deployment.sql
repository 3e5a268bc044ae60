-- Deployment time per chain: the sum over the chain's awarded functions (GIRAFF's "Mean Deployment Time per
-- Function in Chain" plots this sum).
-- A derived table, as the other per-chain and per-run inputs of run_metrics: computed once, not per reader.
CREATE OR REPLACE TABLE chain_deployment AS
SELECT c.run_key, c.chain_id, count(*) AS functions, count(d.deployment_ms) AS deployed_functions,
  sum(d.deployment_ms) AS deployment_ms
FROM chain_functions c
LEFT JOIN function_deployment d ON d.run_key = c.run_key AND d.sla_id = c.sla_id AND d.outcome = 'awarded'
GROUP BY ALL;
