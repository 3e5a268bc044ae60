-- One row per end-user request with what its hops say together: its hops as (position, sla_id) (unordered: sorted
-- where read, an ordered aggregate over millions of rows costs far more), its first SLA, how many hops were
-- acceptable and whether all were (on time), the sum and count of in-flight times. A temporary table (this
-- connection, in memory), read by chain_functions, request_sla and pseudo_chain_sla and dropped after them (in
-- 05-chain_sla.sql); earlier versions kept it in the database.
-- Aggregated from hop_in_flight, so the rule is written once. A request without an entry hop has NULL in-flight
-- times, so none of its hops is acceptable or on time, and its sum is NULL and its count 0.
DROP TABLE IF EXISTS request_hops;

CREATE OR REPLACE TEMP TABLE request_hops AS
SELECT run_key, req_id, list({'position': position, 'sla_id': sla_id}) AS hop_list,
  arg_min(sla_id, position) AS first_sla_id, count(*) AS hops, count(*) FILTER (WHERE acceptable) AS acceptable_hops,
  bool_and(acceptable) AS acceptable, bool_and(on_time) AS on_time, sum(in_flight_ms) AS in_flight_sum_ms,
  count(in_flight_ms) AS in_flight_hops
FROM hop_in_flight GROUP BY ALL;
