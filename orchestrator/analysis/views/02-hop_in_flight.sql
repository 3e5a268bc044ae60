-- One row per function hop of an end-user request (GIRAFF §14.2): hops of a request are ordered entry proxy first,
-- then by receive time. in_flight_ms = receive time − (the entry proxy's receive time for the first function, the
-- previous function proxy's response time for later ones). acceptable = service status 200 AND in-flight ≤ bound
-- + 1 ms (false when the bound is unknown); acceptable_chained = cumulative AND along the chain.
-- rank, the entry hop and the previous row all come from one window (one sort of proxy_hop); the first function's
-- previous row is the entry hop (rank 1), hence lag(received_at). Hops received and answered at the same instant are
-- ordered by their SLA and statuses, so that every rebuild gives the same positions (and the same metrics).
-- A derived table (a Parquet file with a store: a row per hop is millions of rows, see derived-store.ts): the two
-- window sorts are the dearest step of createViews, so they are made once, and request_hops aggregates the result.
CREATE OR REPLACE TABLE hop_in_flight AS
WITH framed AS (
  SELECT run_key, req_id, sla_id, first_hop, received_at, responded_at, service_status, status,
    row_number() OVER w AS rank,
    first_value(first_hop) OVER w AS has_entry,
    lag(received_at) OVER w AS previous_received_at,
    lag(responded_at) OVER w AS previous_responded_at
  FROM proxy_hop
  WINDOW w AS (PARTITION BY run_key, req_id
    ORDER BY first_hop DESC, received_at, responded_at, sla_id, service_status, status)
), measured AS (
  SELECT f.run_key, f.req_id, f.sla_id, CAST(f.rank - 1 AS INTEGER) AS position, f.received_at, f.responded_at,
    f.service_status, f.status, s.latency_max_ms,
    CASE WHEN NOT f.has_entry THEN NULL
      WHEN f.rank = 2 THEN f.received_at - f.previous_received_at
      ELSE f.received_at - f.previous_responded_at END AS in_flight_ms
  FROM framed f LEFT JOIN function_slas s USING (run_key, sla_id)
  WHERE NOT f.first_hop
)
SELECT *,
  coalesce(in_flight_ms <= latency_max_ms + 1, false) AS on_time,
  coalesce(service_status = 200 AND in_flight_ms <= latency_max_ms + 1, false) AS acceptable,
  bool_and(coalesce(service_status = 200 AND in_flight_ms <= latency_max_ms + 1, false))
    OVER (PARTITION BY run_key, req_id ORDER BY position ROWS UNBOUNDED PRECEDING) AS acceptable_chained
FROM measured;
