-- Spending of the auction against each other strategy, chain by chain on the same plan. Our runs that differ only by
-- strategy replayed the same plan (expand-runs.ts: every strategy of one size × repetition × variation shares a
-- planKey), so their chains have the same chain_id (replay_step, plans). A run's plan group is its params without
-- `strategy` and `label` (the label names the strategy). GIRAFF archives are not paired: their chain ids are their
-- own SLA ids. The reference strategy is `auction` (figures/theme.ts REFERENCE_STRATEGY).
-- A chain counts when both sides placed every function of it: the plan's count (else the functions the run knows
-- of) awarded. Others, placed on one side only or on neither, are kept with paired = false, to be counted.
-- Ratios are auction / baseline, per spending definition (08-chain_spending.sql); NULL when the baseline spent 0.
CREATE OR REPLACE VIEW paired_chain_spending AS
WITH grouped AS (
  SELECT run_key, strategy, CAST(json_merge_patch(params, '{"strategy":null,"label":null}') AS VARCHAR) AS plan_group
  FROM runs WHERE source_format = 'giraff-ts' AND strategy IS NOT NULL AND params IS NOT NULL
), pairs AS (
  SELECT a.plan_group, b.strategy AS baseline, a.run_key AS auction_run, b.run_key AS baseline_run
  FROM grouped a JOIN grouped b ON b.plan_group = a.plan_group AND a.strategy = 'auction' AND b.strategy <> 'auction'
), known AS (
  -- every chain a run knows of: planned, replayed (a chain refused at its first function places no SLA) or placed
  SELECT run_key, chain_id FROM plans WHERE chain_id IS NOT NULL
  UNION SELECT run_key, chain_id FROM replay_step WHERE chain_id IS NOT NULL
  UNION SELECT run_key, chain_id FROM chain_functions
), planned AS (
  SELECT run_key, chain_id, count(DISTINCT function_index) AS functions FROM plans GROUP BY ALL
), placement AS (
  SELECT k.run_key, k.chain_id, coalesce(p.functions, d.functions) AS functions,
    coalesce(s.awarded_functions, 0) AS awarded_functions, s.spending_giraff, s.spending_charged
  FROM known k
  LEFT JOIN planned p USING (run_key, chain_id)
  LEFT JOIN chain_deployment d USING (run_key, chain_id)
  LEFT JOIN chain_spending s USING (run_key, chain_id)
), chains AS (
  SELECT p.*, k.chain_id FROM pairs p JOIN known k ON k.run_key = p.auction_run
  UNION
  SELECT p.*, k.chain_id FROM pairs p JOIN known k ON k.run_key = p.baseline_run
), sides AS (
  SELECT c.*, a.spending_giraff AS auction_spending_giraff, b.spending_giraff AS baseline_spending_giraff,
    a.spending_charged AS auction_spending_charged, b.spending_charged AS baseline_spending_charged,
    coalesce(a.functions > 0 AND a.awarded_functions >= a.functions, false)
      AND coalesce(b.functions > 0 AND b.awarded_functions >= b.functions, false) AS paired
  FROM chains c
  LEFT JOIN placement a ON a.run_key = c.auction_run AND a.chain_id = c.chain_id
  LEFT JOIN placement b ON b.run_key = c.baseline_run AND b.chain_id = c.chain_id
)
SELECT *,
  CASE WHEN paired THEN auction_spending_giraff / nullif(baseline_spending_giraff, 0) END AS ratio_giraff,
  CASE WHEN paired THEN auction_spending_charged / nullif(baseline_spending_charged, 0) END AS ratio_charged
FROM sides;

-- Per baseline strategy: run pairs, chains paired and excluded, and per spending definition:
-- - the geometric mean of the per-chain ratios auction / baseline with its 95 % Student-t interval, computed on the
--   logarithms and exponentiated (NULL bounds below two chains). Ratios are multiplicative: a chain at 0.25 and one
--   at 4 average to 1, not 2.1, and the log scale keeps one cheap baseline chain from dominating the mean. Chains
--   whose ratio is 0 or undefined (a side spent nothing) have no logarithm and are left out of it;
-- - the ratio of the totals over the paired chains (Σ auction / Σ baseline), the share of the baseline's money the
--   auction spent on the same chains.
-- The interval treats chains as independent; chains of one network share its nodes' load, so with few networks it
-- is optimistic. Several networks (NB_REPETITIONS) are the remedy.
CREATE OR REPLACE VIEW paired_spending AS
WITH stats AS (
  SELECT baseline, count(DISTINCT (auction_run, baseline_run)) AS run_pairs,
    count(*) FILTER (WHERE paired) AS chains_paired, count(*) FILTER (WHERE NOT paired) AS chains_excluded,
    count(ratio_giraff) FILTER (WHERE ratio_giraff > 0) AS giraff_chains,
    avg(ln(ratio_giraff)) FILTER (WHERE ratio_giraff > 0) AS giraff_log_mean,
    stddev_samp(ln(ratio_giraff)) FILTER (WHERE ratio_giraff > 0) AS giraff_log_sd,
    sum(auction_spending_giraff) FILTER (WHERE paired) / nullif(sum(baseline_spending_giraff) FILTER (WHERE paired), 0)
      AS giraff_of_totals,
    count(ratio_charged) FILTER (WHERE ratio_charged > 0) AS charged_chains,
    avg(ln(ratio_charged)) FILTER (WHERE ratio_charged > 0) AS charged_log_mean,
    stddev_samp(ln(ratio_charged)) FILTER (WHERE ratio_charged > 0) AS charged_log_sd,
    sum(auction_spending_charged) FILTER (WHERE paired) / nullif(sum(baseline_spending_charged) FILTER (WHERE paired), 0)
      AS charged_of_totals
  FROM paired_chain_spending GROUP BY baseline
)
SELECT baseline, run_pairs, chains_paired, chains_excluded,
  giraff_chains AS ratio_giraff_chains, exp(giraff_log_mean) AS ratio_giraff_geomean,
  exp(giraff_log_mean - t975(giraff_chains - 1) * giraff_log_sd / sqrt(giraff_chains)) AS ratio_giraff_ci_low,
  exp(giraff_log_mean + t975(giraff_chains - 1) * giraff_log_sd / sqrt(giraff_chains)) AS ratio_giraff_ci_high,
  giraff_of_totals AS ratio_giraff_of_totals,
  charged_chains AS ratio_charged_chains, exp(charged_log_mean) AS ratio_charged_geomean,
  exp(charged_log_mean - t975(charged_chains - 1) * charged_log_sd / sqrt(charged_chains)) AS ratio_charged_ci_low,
  exp(charged_log_mean + t975(charged_chains - 1) * charged_log_sd / sqrt(charged_chains)) AS ratio_charged_ci_high,
  charged_of_totals AS ratio_charged_of_totals
FROM stats;
