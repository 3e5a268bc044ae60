-- Spending per chain, two ways: spending_giraff sums the winner's own `price` from its bid, as GIRAFF's R code
-- computes "cost" for every strategy (loaders.R load_bids_won_function); spending_charged sums what the market
-- charged (the second price), which is what was paid. GIRAFF archives record no charge: spending_charged is NULL.
-- A derived table: run_metrics (and strategy_summary through it) and paired_chain_spending read it.
CREATE OR REPLACE TABLE chain_spending AS
WITH bid_prices AS (
  -- only the winning bids: the lookup below needs nothing else
  SELECT b.run_key, b.sla_id, b.bid_id, any_value(b.price) AS price
  FROM bid b SEMI JOIN auction_result a
    ON a.run_key = b.run_key AND a.sla_id = b.sla_id AND a.winning_bid_id = b.bid_id AND a.outcome = 'awarded'
  GROUP BY ALL
), awarded AS (
  SELECT a.run_key, a.sla_id, a.winner, a.price AS charged, coalesce(b.price, a.winning_bid) AS own_bid
  FROM auction_result a
  LEFT JOIN bid_prices b ON b.run_key = a.run_key AND b.sla_id = a.sla_id AND b.bid_id = a.winning_bid_id
  WHERE a.outcome = 'awarded'
)
SELECT c.run_key, c.chain_id, count(w.sla_id) AS awarded_functions,
  sum(w.own_bid) AS spending_giraff, sum(w.charged) AS spending_charged
FROM chain_functions c JOIN awarded w USING (run_key, sla_id)
GROUP BY ALL;
