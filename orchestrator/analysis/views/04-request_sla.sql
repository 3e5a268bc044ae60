-- One row per end-user request and chain (a request whose first SLA starts several chains is in each): its chain,
-- how many of its hops were acceptable and whether all were, the sum and count of its in-flight times. A request
-- whose first SLA starts no known chain is in the chain of its own SLA ids, joined with ',' in hop order.
CREATE OR REPLACE TABLE request_sla AS
SELECT r.run_key, r.req_id,
  CASE WHEN c.chain_id IS NOT NULL THEN c.chain_id
    ELSE array_to_string(list_transform(list_sort(r.hop_list), lambda h: h.sla_id), ',') END AS chain_id,
  r.hops, r.acceptable_hops, r.acceptable, r.on_time, r.in_flight_sum_ms, r.in_flight_hops
FROM request_hops r
LEFT JOIN chain_functions c ON c.run_key = r.run_key AND c.sla_id = r.first_sla_id AND c.function_index = 0;
