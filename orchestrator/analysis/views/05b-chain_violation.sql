-- SLA violations per run, the three definitions GIRAFF used (reference/giraff.md §14.3 "Correction"). In all three
-- a hop is acceptable when its service status is 200 and its in-flight time ≤ its latency bound + 1 ms
-- (hop_in_flight), so a 404 or a 502 is a violation; a request with no proxy record counts in none.
-- run_metrics.sla_violation_pct is the final one; sla_violation_v3_pct and sla_violation_respected_pct sit beside it.

-- Final code (branch fix_paper, commit f120557): % of pseudo-chains (the SLA sequence a request went through) with
-- at least one non-acceptable request.
CREATE OR REPLACE VIEW chain_violation_final AS
SELECT run_key, count(*) AS chains, count(*) FILTER (WHERE NOT respected) AS violated_chains,
  100.0 * count(*) FILTER (WHERE NOT respected) / count(*) AS violation_pct
FROM pseudo_chain_sla GROUP BY run_key;

-- Euro-Par-era rule of load_respected_sla: % of chains (as replayed) with at least one request that was not
-- acceptable on every hop.
CREATE OR REPLACE VIEW chain_violation_respected AS
SELECT run_key, count(*) AS chains, count(*) FILTER (WHERE NOT respected) AS violated_chains,
  100.0 * count(*) FILTER (WHERE NOT respected) / count(*) AS violation_pct
FROM chain_sla GROUP BY run_key;

-- v3.0.0 (Euro-Par-era main.R): per chain, the share of non-acceptable hops over all its requests' hops; the run's
-- figure is the mean of that share over its chains, in %.
CREATE OR REPLACE VIEW chain_violation_v3 AS
SELECT run_key, count(*) AS chains, sum(hops) AS hops, sum(hops - acceptable_hops) AS unacceptable_hops,
  100.0 * avg((hops - acceptable_hops) / hops) AS violation_pct
FROM chain_sla WHERE hops > 0 GROUP BY run_key;
