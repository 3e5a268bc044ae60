-- One row per end-user request with what its hops say together: its hops as (position, sla_id) (unordered: sorted
-- where read, an ordered aggregate over millions of rows costs far more), its first SLA, whether every hop was
-- acceptable (on time), the sum and count of in-flight times. A temporary table (this connection, in memory),
-- read by chain_functions and request_sla and dropped after chain_sla; earlier versions kept it in the database.
-- hop_in_flight's hops and rule (02-hop_in_flight.sql; keep them in step), in one window without what only
-- hop_in_flight's own columns need: a request has an entry hop iff its first function hop is not at position 0
-- (entry hops sort first), so that test is made per request. Bounds are joined before the window so that each
-- request's hops reach the sum in hop order, as when this was aggregated from hop_in_flight.
DROP TABLE IF EXISTS request_hops;

CREATE OR REPLACE TEMP TABLE request_hops AS
WITH framed AS (
  SELECT h.run_key, h.req_id, h.sla_id, h.first_hop, h.received_at, h.service_status, s.latency_max_ms,
    row_number() OVER w AS rank,
    lag(h.received_at) OVER w AS previous_received_at,
    lag(h.responded_at) OVER w AS previous_responded_at
  FROM proxy_hop h LEFT JOIN function_slas s USING (run_key, sla_id)
  WINDOW w AS (PARTITION BY h.run_key, h.req_id ORDER BY h.first_hop DESC, h.received_at, h.responded_at)
), measured AS (
  SELECT run_key, req_id, sla_id, CAST(rank - 1 AS INTEGER) AS position, service_status, latency_max_ms,
    received_at - CASE WHEN rank = 2 THEN previous_received_at ELSE previous_responded_at END AS in_flight_ms
  FROM framed
  WHERE NOT first_hop
)
SELECT run_key, req_id, list({'position': position, 'sla_id': sla_id}) AS hop_list,
  arg_min(sla_id, position) AS first_sla_id, count(*) AS hops,
  min(position) > 0 AND bool_and(coalesce(service_status = 200 AND in_flight_ms <= latency_max_ms + 1, false))
    AS acceptable,
  min(position) > 0 AND bool_and(coalesce(in_flight_ms <= latency_max_ms + 1, false)) AS on_time,
  CASE WHEN min(position) > 0 THEN sum(in_flight_ms) END AS in_flight_sum_ms,
  CASE WHEN min(position) > 0 THEN count(in_flight_ms) ELSE 0 END AS in_flight_hops
FROM measured GROUP BY ALL;
