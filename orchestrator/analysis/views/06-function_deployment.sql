-- Deployment time per function: the market's auction start → paid (GIRAFF's function_deployment_duration), and
-- ours only: auction start → the function answered its health check (`live`).
CREATE OR REPLACE VIEW function_deployment AS
SELECT a.run_key, a.sla_id, a.function_name, a.winner, a.outcome, a.duration_ms AS deployment_ms,
  (SELECT min(l.t) FROM live l WHERE l.run_key = a.run_key AND l.sla_id = a.sla_id) - a.started_at AS time_to_live_ms
FROM auction_result a;
