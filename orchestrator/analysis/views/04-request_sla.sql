-- One row per end-user request: its chain, whether every hop was acceptable, the sum and count of its in-flight times.
CREATE OR REPLACE TABLE request_sla AS
SELECT r.run_key, r.req_id, coalesce(c.chain_id, r.request_chain) AS chain_id, r.hops, r.acceptable, r.on_time,
  r.in_flight_sum_ms, r.in_flight_hops
FROM request_hops r
LEFT JOIN chain_functions c ON c.run_key = r.run_key AND c.sla_id = r.first_sla_id AND c.function_index = 0;
