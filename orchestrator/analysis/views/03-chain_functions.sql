-- Which SLA is which function of which chain. Our runs say it in replay_step (step 'submit'); for runs without
-- replay events (GIRAFF archives) the chain is what the requests saw: its id is the request's SLA ids joined
-- with ',' in hop order, as GIRAFF's chain_id. Requests with the same hops are taken once.
CREATE OR REPLACE TABLE chain_functions AS
WITH replayed AS (
  SELECT DISTINCT run_key, chain_id, CAST(function_index AS INTEGER) AS function_index, sla_id
  FROM replay_step WHERE step = 'submit' AND ok AND sla_id IS NOT NULL
), seen AS (
  SELECT DISTINCT run_key, hop_list FROM request_hops
  WHERE run_key IS NOT NULL AND req_id IS NOT NULL AND run_key NOT IN (SELECT run_key FROM replayed)
), hops AS (
  SELECT run_key, array_to_string(list_transform(list_sort(hop_list), lambda h: h.sla_id), ',') AS chain_id,
    unnest(hop_list) AS h
  FROM seen
)
SELECT * FROM replayed
UNION ALL
SELECT DISTINCT run_key, chain_id, h.position - 1 AS function_index, h.sla_id FROM hops;
