-- Earnings per node (charged and reference, as chain_spending), with zero for every node of the run's topology
-- that won nothing; Jain's index (Σx)² / (n·Σx²) over them per run (NULL when nobody earned anything).
-- node_earnings is a derived table (jain_earnings, then run_metrics, read it); jain_earnings, a few rows per run
-- over it, stays a view.
CREATE OR REPLACE TABLE node_earnings AS
WITH bid_prices AS (
  -- only the winning bids: the lookup below needs nothing else
  SELECT b.run_key, b.sla_id, b.bid_id, any_value(b.price) AS price
  FROM bid b SEMI JOIN auction_result a
    ON a.run_key = b.run_key AND a.sla_id = b.sla_id AND a.winning_bid_id = b.bid_id
    AND a.outcome = 'awarded' AND a.winner IS NOT NULL
  GROUP BY ALL
), won AS (
  SELECT a.run_key, a.winner AS node_id, sum(a.price) AS charged, sum(coalesce(b.price, a.winning_bid)) AS reference
  FROM auction_result a
  LEFT JOIN bid_prices b ON b.run_key = a.run_key AND b.sla_id = a.sla_id AND b.bid_id = a.winning_bid_id
  WHERE a.outcome = 'awarded' AND a.winner IS NOT NULL GROUP BY ALL
), nodes AS (
  SELECT run_key, node_id FROM topologies UNION SELECT run_key, node_id FROM won
)
SELECT n.run_key, n.node_id, coalesce(w.charged, 0) AS earnings_charged,
  coalesce(w.reference, 0) AS earnings_reference
FROM nodes n LEFT JOIN won w USING (run_key, node_id);

CREATE OR REPLACE VIEW jain_earnings AS
SELECT run_key, count(*) AS nodes,
  sum(earnings_reference) ^ 2 / nullif(count(*) * sum(earnings_reference ^ 2), 0) AS jain_reference,
  sum(earnings_charged) ^ 2 / nullif(count(*) * sum(earnings_charged ^ 2), 0) AS jain_charged
FROM node_earnings GROUP BY ALL;
