-- One row per function hop (hop_in_flight) with the emulated network it crossed, to tell the machine's lateness
-- from the network's. On the local testbed the link delay is applied by the sender's HTTP client; whatever a hop
-- takes beyond it (a busy event loop before or after the delay, the proxies' own work) is the machine.
-- - sender_node: where the hop's message left: the chain's target node (where the IoT source enters, the entry
--   proxy's node) for the first function, else the node that won the previous hop's SLA; receiver_node: the node
--   that won the hop's SLA (auction_result, awarded).
-- - emulated_ms: the one-way propagation delay of the tree path between them (topologies: each node's latency_ms
--   to its parent, summed up to their lowest common ancestor; 0 for the same node), as runtime/launcher/links.ts.
-- - transfer_max_ms: the most the path's bottleneck rate adds for a message within the SLA's input_max_size
--   (+ 300 B of framing, as runtime/http/client.ts counts): (bytes + 300) × 8000 / rate. The proxy_hop event does
--   not carry the message's size, so the real transfer lies between 0 and this. 0 without a rate (unlimited, as
--   the runtime takes it); NULL when the path has a rate but the SLA's input size is unknown.
-- - excess_ms = in_flight_ms − emulated_ms (includes the message's transfer time, at most transfer_max_ms),
--   unexplained_ms = excess_ms − transfer_max_ms: what even the largest allowed message cannot explain.
-- - late = NOT on_time (in-flight > bound + 1 ms, or unknown); late_by_machine: late although the emulated path,
--   largest message included, fitted in the bound + 1 ms (the lateness came from the machine); late_by_network:
--   late and the emulated path with the largest message exceeds the bound + 1 ms (it may have come from the
--   emulated network). A hop with an unknown in-flight time, bound or path is neither.
-- A derived table: one row per hop, millions of rows (see derived-store.ts). Topologies are trees; the depth limit
-- only guards against a malformed imported one.
CREATE OR REPLACE TABLE hop_emulation AS
WITH RECURSIVE ancestors AS (
  SELECT run_key, node_id, node_id AS ancestor, CAST(0 AS DOUBLE) AS up_ms, CAST(NULL AS DOUBLE) AS up_rate_bps,
    0 AS depth
  FROM topologies
  UNION ALL
  SELECT a.run_key, a.node_id, t.parent AS ancestor, a.up_ms + t.latency_ms AS up_ms,
    least(a.up_rate_bps, t.rate_bps) AS up_rate_bps, a.depth + 1 AS depth
  FROM ancestors a JOIN topologies t ON t.run_key = a.run_key AND t.node_id = a.ancestor
  WHERE t.parent IS NOT NULL AND a.depth < 64
), winners AS (
  SELECT run_key, sla_id, arg_max(winner, t) AS winner, any_value(target_node) AS target_node
  FROM auction_result WHERE outcome = 'awarded' AND winner IS NOT NULL GROUP BY ALL
), slas AS (
  SELECT w.run_key, w.sla_id, w.winner, coalesce(f.target_node, w.target_node) AS target_node,
    s.input_bytes
  FROM winners w
  LEFT JOIN function_slas f USING (run_key, sla_id)
  LEFT JOIN (SELECT run_key, sla_id, max(input_max_size_bytes) AS input_bytes FROM sla_submitted GROUP BY ALL) s
    USING (run_key, sla_id)
), ends AS (
  SELECT h.run_key, h.req_id, h.sla_id, h.position, h.received_at, h.latency_max_ms, h.in_flight_ms, h.on_time,
    CASE WHEN h.position = 1 THEN s.target_node ELSE p.winner END AS sender_node, s.winner AS receiver_node,
    s.input_bytes
  FROM hop_in_flight h
  LEFT JOIN slas s ON s.run_key = h.run_key AND s.sla_id = h.sla_id
  LEFT JOIN hop_in_flight prev ON prev.run_key = h.run_key AND prev.req_id = h.req_id
    AND prev.position = h.position - 1
  LEFT JOIN slas p ON p.run_key = prev.run_key AND p.sla_id = prev.sla_id
), paths AS (
  -- through the lowest common ancestor, where the sum is smallest (latencies are not negative)
  SELECT e.run_key, e.sender_node, e.receiver_node, min(a.up_ms + b.up_ms) AS emulated_ms,
    arg_min(least(a.up_rate_bps, b.up_rate_bps), a.up_ms + b.up_ms) AS rate_bps
  FROM (SELECT DISTINCT run_key, sender_node, receiver_node FROM ends) e
  JOIN ancestors a ON a.run_key = e.run_key AND a.node_id = e.sender_node
  JOIN ancestors b ON b.run_key = e.run_key AND b.node_id = e.receiver_node AND b.ancestor = a.ancestor
  GROUP BY ALL
), measured AS (
  SELECT e.run_key, e.req_id, e.sla_id, e.position, e.received_at, e.sender_node, e.receiver_node, e.latency_max_ms,
    e.in_flight_ms, p.emulated_ms,
    CASE WHEN e.sender_node = e.receiver_node OR coalesce(p.rate_bps, 0) <= 0 THEN CAST(0 AS DOUBLE)
      ELSE (e.input_bytes + 300) * 8000 / p.rate_bps END AS transfer_max_ms,
    e.in_flight_ms - p.emulated_ms AS excess_ms, NOT e.on_time AS late
  FROM ends e
  LEFT JOIN paths p USING (run_key, sender_node, receiver_node)
)
SELECT run_key, req_id, sla_id, position, received_at, sender_node, receiver_node, latency_max_ms, in_flight_ms,
  emulated_ms,
  transfer_max_ms, excess_ms, excess_ms - transfer_max_ms AS unexplained_ms, late,
  coalesce(late AND in_flight_ms IS NOT NULL AND emulated_ms + transfer_max_ms <= latency_max_ms + 1, false)
    AS late_by_machine,
  coalesce(late AND in_flight_ms IS NOT NULL AND emulated_ms + transfer_max_ms > latency_max_ms + 1, false)
    AS late_by_network
FROM measured;
