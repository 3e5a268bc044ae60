-- One row per end-user request: its chain, whether every hop was acceptable, the sum and count of its in-flight times.
CREATE OR REPLACE VIEW request_sla AS
WITH requests AS (
  SELECT run_key, req_id, string_agg(sla_id, ',' ORDER BY position) AS request_chain,
    arg_min(sla_id, position) AS first_sla_id, count(*) AS hops, bool_and(acceptable) AS acceptable,
    bool_and(on_time) AS on_time, sum(in_flight_ms) AS in_flight_sum_ms, count(in_flight_ms) AS in_flight_hops
  FROM hop_in_flight GROUP BY ALL
)
SELECT r.run_key, r.req_id, coalesce(c.chain_id, r.request_chain) AS chain_id, r.hops, r.acceptable, r.on_time,
  r.in_flight_sum_ms, r.in_flight_hops
FROM requests r
LEFT JOIN chain_functions c ON c.run_key = r.run_key AND c.sla_id = r.first_sla_id AND c.function_index = 0;
