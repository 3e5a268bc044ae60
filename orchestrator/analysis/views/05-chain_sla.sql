-- SLA respect per chain, the input of two of the three violation definitions (05b-chain_violation.sql):
-- - respected: every one of the chain's requests met every hop's latency bound with status 200;
-- - hops, acceptable_hops: over the hops of all its requests (GIRAFF v3.0.0's share of non-acceptable hops).
-- mean_in_flight_ms is the mean latency between functions over its hops. request_sla has a request at most once
-- per chain, so count(req_id) counts distinct requests.
CREATE OR REPLACE TABLE chain_sla AS
SELECT run_key, chain_id, count(req_id) AS requests,
  count(req_id) FILTER (WHERE acceptable) AS acceptable_requests,
  count(req_id) FILTER (WHERE acceptable) >= count(req_id) AS respected,
  sum(hops) AS hops, sum(acceptable_hops) AS acceptable_hops,
  sum(in_flight_sum_ms) / nullif(sum(in_flight_hops), 0) AS mean_in_flight_ms
FROM request_sla GROUP BY ALL;

-- SLA respect per pseudo-chain, the input of GIRAFF's final definition (branch fix_paper, commit f120557): a
-- pseudo-chain is the sequence of SLAs a request actually went through, its id their SLA ids joined with ',' in hop
-- order, so a request that died at the first function (a 404, a 502) forms its own. Only requests with a function
-- hop are here (hop_in_flight): a transport failure with no proxy record counts nowhere. (Grouping on the joined
-- text is faster than on the sorted list of structs: about 0.4 s for 2 M requests on this machine.)
CREATE OR REPLACE TABLE pseudo_chain_sla AS
SELECT run_key, array_to_string(list_transform(list_sort(hop_list), lambda h: h.sla_id), ',') AS chain_id,
  count(*) AS requests, count(*) FILTER (WHERE acceptable) AS acceptable_requests, bool_and(acceptable) AS respected
FROM request_hops GROUP BY ALL;

-- The temporary request_hops (02-request_hops.sql) is not needed any more.
DROP TABLE request_hops;
