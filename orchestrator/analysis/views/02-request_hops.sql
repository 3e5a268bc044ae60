-- One row per end-user request with what its hops say together (its SLA ids in hop order, its first SLA, whether
-- every hop was acceptable, the sum and count of in-flight times): aggregated once for chain_functions and request_sla.
CREATE OR REPLACE TABLE request_hops AS
SELECT run_key, req_id, string_agg(sla_id, ',' ORDER BY position) AS request_chain,
  arg_min(sla_id, position) AS first_sla_id, count(*) AS hops, bool_and(acceptable) AS acceptable,
  bool_and(on_time) AS on_time, sum(in_flight_ms) AS in_flight_sum_ms, count(in_flight_ms) AS in_flight_hops
FROM hop_in_flight GROUP BY ALL;
