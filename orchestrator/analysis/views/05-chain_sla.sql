-- SLA respect per chain (GIRAFF's Euro-Par metric): a chain is respected iff every one of its requests met every
-- hop's latency bound with status 200. mean_in_flight_ms is the mean latency between functions over its hops.
CREATE OR REPLACE TABLE chain_sla AS
SELECT run_key, chain_id, count(DISTINCT req_id) AS requests,
  count(DISTINCT req_id) FILTER (WHERE acceptable) AS acceptable_requests,
  count(DISTINCT req_id) FILTER (WHERE acceptable) >= count(DISTINCT req_id) AS respected,
  sum(in_flight_sum_ms) / nullif(sum(in_flight_hops), 0) AS mean_in_flight_ms
FROM request_sla GROUP BY ALL;
