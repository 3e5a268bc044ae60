-- One row per SLA (requested function) of a run, with its latency bound: the sla_submitted event's, else the
-- plan's (by function name), else the `-l<latency>` of GIRAFF's name encoding (function-name.ts regex, verbatim).
-- The regex runs only on the rows whose SLA has neither of the first two (the others never use it): same result,
-- half the time.
CREATE OR REPLACE TABLE function_slas AS
WITH names AS (
  SELECT run_key, sla_id, function_name FROM sla_submitted
  UNION SELECT run_key, sla_id, function_name FROM auction_result
  UNION SELECT run_key, sla_id, function_name FROM bid
), submitted AS (
  SELECT run_key, sla_id, min(t) AS submitted_at, any_value(latency_max_ms) AS latency_max_ms,
    any_value(target_node) AS target_node
  FROM sla_submitted GROUP BY ALL
), planned AS (
  SELECT run_key, function_name, any_value(latency_max_ms) AS latency_max_ms FROM plans GROUP BY ALL
)
SELECT n.run_key, n.sla_id, any_value(n.function_name) AS function_name, any_value(s.target_node) AS target_node,
  any_value(s.submitted_at) AS submitted_at, s.sla_id IS NOT NULL AS submitted,
  coalesce(any_value(s.latency_max_ms), any_value(p.latency_max_ms),
    any_value(CASE WHEN s.latency_max_ms IS NULL AND p.latency_max_ms IS NULL THEN TRY_CAST(regexp_extract(
      n.function_name, '(.+)-i(\d+)-c(\d+)-m(\d+)-l(\d+)-a(\d+)-r(\d+)-d(\d+)', 5) AS DOUBLE) END)) AS latency_max_ms
FROM names n
LEFT JOIN submitted s USING (run_key, sla_id)
LEFT JOIN planned p ON p.run_key = n.run_key AND p.function_name = n.function_name
WHERE n.sla_id IS NOT NULL
GROUP BY n.run_key, n.sla_id, s.sla_id;
