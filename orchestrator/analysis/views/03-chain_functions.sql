-- Which SLA is which function of which chain. Our runs say it in replay_step (step 'submit'); for runs without
-- replay events (GIRAFF archives) the chain is what the requests saw: its id is the request's SLA ids joined
-- with ',' in hop order, as GIRAFF's chain_id.
CREATE OR REPLACE TABLE chain_functions AS
WITH replayed AS (
  SELECT DISTINCT run_key, chain_id, CAST(function_index AS INTEGER) AS function_index, sla_id
  FROM replay_step WHERE step = 'submit' AND ok AND sla_id IS NOT NULL
)
SELECT * FROM replayed
UNION ALL
SELECT DISTINCT h.run_key, r.request_chain AS chain_id, h.position - 1 AS function_index, h.sla_id
FROM hop_in_flight h JOIN request_hops r USING (run_key, req_id)
WHERE h.run_key NOT IN (SELECT run_key FROM replayed);
