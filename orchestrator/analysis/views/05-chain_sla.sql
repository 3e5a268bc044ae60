-- SLA respect per chain (GIRAFF's Euro-Par metric): a chain is respected iff every one of its requests met every
-- hop's latency bound with status 200. mean_in_flight_ms is the mean latency between functions over its hops.
-- request_sla has a request at most once per chain, so count(req_id) counts distinct requests.
CREATE OR REPLACE TABLE chain_sla AS
SELECT run_key, chain_id, count(req_id) AS requests,
  count(req_id) FILTER (WHERE acceptable) AS acceptable_requests,
  count(req_id) FILTER (WHERE acceptable) >= count(req_id) AS respected,
  sum(in_flight_sum_ms) / nullif(sum(in_flight_hops), 0) AS mean_in_flight_ms
FROM request_sla GROUP BY ALL;

-- The temporary request_hops (02-request_hops.sql) is not needed any more.
DROP TABLE request_hops;
