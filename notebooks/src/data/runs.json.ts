/**
 * Per-run detail for the run page, for every run of the campaign (the page picks one): what the run counts (its
 * auctions, bids, nodes, placements and hops, straight from the tables), the auctions on a time axis (relative to
 * the run's first auction), the bids each auction got, the fog tree with the functions placed on each node, and
 * per-hop in-flight times (the first HOP_SAMPLE hops of each run by receive time, plus a summary of all).
 */
import { rows } from "../../../orchestrator/analysis/connection.ts";
import { emitJson, withCampaignDb } from "../../lib/campaign-db.ts";

// Bounds the JSON on large campaigns; the per-SLA summary below still covers every hop.
const HOP_SAMPLE = 2000;

await emitJson(() =>
  withCampaignDb(async (con) => {
    return {
      runs: await rows(
        con,
        `SELECT run_key, strategy, nodes, size_multiplier, repetition, variation, source_format FROM runs ORDER BY run_key`,
      ),
      // The page states these counts as they are: each comes from its own table, not from the sampled rows below.
      stats: await rows(
        con,
        `WITH a AS (SELECT run_key, count(*) AS auctions, count(*) FILTER (outcome = 'awarded') AS awarded,
                      count(*) FILTER (outcome = 'refused') AS refused, coalesce(sum(len(bids)), 0) AS bids_received
                    FROM auction_result GROUP BY ALL),
            b AS (SELECT run_key, count(*) AS bids_sent FROM bid GROUP BY ALL),
            t AS (SELECT run_key, count(*) AS topology_nodes, count(DISTINCT level) AS levels FROM topologies GROUP BY ALL),
            -- An award whose winner is not a node of the topology cannot be drawn on the tree: counted apart.
            p AS (SELECT a.run_key, count(t.node_id) AS placed, count(*) - count(t.node_id) AS placed_outside
                    FROM auction_result a LEFT JOIN topologies t ON t.run_key = a.run_key AND t.node_id = a.winner
                    WHERE a.outcome = 'awarded' GROUP BY ALL),
            h AS (SELECT run_key, count(*) AS hops FROM hop_in_flight WHERE in_flight_ms IS NOT NULL GROUP BY ALL)
       SELECT r.run_key, coalesce(a.auctions, 0) AS auctions, coalesce(a.awarded, 0) AS awarded,
         coalesce(a.refused, 0) AS refused, coalesce(b.bids_sent, 0) AS bids_sent,
         coalesce(a.bids_received, 0) AS bids_received, coalesce(t.topology_nodes, 0) AS topology_nodes,
         coalesce(t.levels, 0) AS levels, coalesce(p.placed, 0) AS placed,
         coalesce(p.placed_outside, 0) AS placed_outside, coalesce(h.hops, 0) AS hops
       FROM runs r LEFT JOIN a USING (run_key) LEFT JOIN b USING (run_key) LEFT JOIN t USING (run_key)
         LEFT JOIN p USING (run_key) LEFT JOIN h USING (run_key)
       ORDER BY r.run_key`,
      ),
      auctions: await rows(
        con,
        `WITH b AS (SELECT run_key, sla_id, count(*) AS bids_sent, min(bid) AS min_bid, max(bid) AS max_bid
                  FROM bid GROUP BY ALL)
       SELECT a.run_key, a.sla_id, a.function_name, a.outcome, a.reason, a.winner, w.name AS winner_name, a.price,
         a.winning_bid,
         (a.started_at - min(a.started_at) OVER (PARTITION BY a.run_key)) / 1000 AS start_s,
         (a.started_at + coalesce(a.duration_ms, 0) - min(a.started_at) OVER (PARTITION BY a.run_key)) / 1000 AS end_s,
         a.duration_ms, coalesce(len(a.bids), 0) AS bids_received, coalesce(b.bids_sent, 0) AS bids_sent,
         b.min_bid, b.max_bid
       FROM auction_result a LEFT JOIN b USING (run_key, sla_id)
         LEFT JOIN topologies w ON w.run_key = a.run_key AND w.node_id = a.winner
       ORDER BY a.run_key, a.started_at, a.sla_id`,
      ),
      nodes: await rows(
        con,
        `WITH placed AS (SELECT run_key, winner AS node_id, count(*) AS placements FROM auction_result
                       WHERE outcome = 'awarded' AND winner IS NOT NULL GROUP BY ALL)
       SELECT t.run_key, t.node_id, t.name, t.level, t.parent, t.latency_ms, t.is_cloud,
         coalesce(p.placements, 0) AS placements
       FROM topologies t LEFT JOIN placed p USING (run_key, node_id)
       ORDER BY t.run_key, t.level, t.node_id`,
      ),
      hops: await rows(
        con,
        `WITH names AS (SELECT run_key, sla_id, any_value(function_name) AS function_name FROM function_slas GROUP BY ALL),
       ranked AS (SELECT h.*, row_number() OVER (PARTITION BY h.run_key ORDER BY h.received_at, h.req_id, h.position) AS rn
                  FROM hop_in_flight h WHERE h.in_flight_ms IS NOT NULL)
       SELECT r.run_key, r.req_id, r.sla_id, coalesce(n.function_name, r.sla_id) AS function_name, r.position,
         r.in_flight_ms, r.latency_max_ms, r.acceptable
       FROM ranked r LEFT JOIN names n USING (run_key, sla_id)
       WHERE r.rn <= ${HOP_SAMPLE} ORDER BY r.run_key, r.rn`,
      ),
      hopSummary: await rows(
        con,
        `WITH names AS (SELECT run_key, sla_id, any_value(function_name) AS function_name FROM function_slas GROUP BY ALL)
       SELECT h.run_key, h.sla_id, any_value(n.function_name) AS function_name, h.position, count(*) AS hops,
         avg(h.in_flight_ms) AS mean_ms, quantile_cont(h.in_flight_ms, 0.5) AS p50_ms,
         quantile_cont(h.in_flight_ms, 0.95) AS p95_ms, max(h.in_flight_ms) AS max_ms,
         any_value(h.latency_max_ms) AS latency_max_ms,
         avg(CASE WHEN h.acceptable THEN 1 ELSE 0 END) * 100 AS acceptable_pct
       FROM hop_in_flight h LEFT JOIN names n USING (run_key, sla_id)
       WHERE h.in_flight_ms IS NOT NULL GROUP BY h.run_key, h.sla_id, h.position ORDER BY ALL`,
      ),
      hopSample: HOP_SAMPLE,
    };
  }),
);
