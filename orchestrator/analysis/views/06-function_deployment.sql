-- Deployment time per function: the market's auction start → paid (GIRAFF's function_deployment_duration), and
-- ours only: auction start → the function answered its health check (`live`, its first one).
CREATE OR REPLACE VIEW function_deployment AS
WITH first_live AS (SELECT run_key, sla_id, min(t) AS live_at FROM live GROUP BY ALL)
SELECT a.run_key, a.sla_id, a.function_name, a.winner, a.outcome, a.duration_ms AS deployment_ms,
  l.live_at - a.started_at AS time_to_live_ms
FROM auction_result a LEFT JOIN first_live l ON l.run_key = a.run_key AND l.sla_id = a.sla_id;
