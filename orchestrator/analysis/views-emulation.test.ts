import { describe, expect, it } from "vitest";
import type { EventBody } from "../../runtime/protocol/events.ts";
import { EMULATION_NODES, writeRunWithTopology } from "./testing/fixtures.ts";
import { useIngestedCampaign } from "./testing/ingested.ts";
import { EMULATION_SUMMARY_SQL, emulationLines } from "../campaign/run/emulation-summary.ts";

// The tree (testing/fixtures.ts EMULATION_NODES): n0 ─10 ms─ n1 ─5 ms, 10 Mbit/s─ n2 (IoT source), n0 ─20 ms─ n3.
// Paths: n2→n1 5 ms (bottleneck 10 Mbit/s), n1→n3 30 ms, n2→n3 35 ms (10 Mbit/s), n1→n1 0.
// Run A, chain c1 = s1 (bound 20, input 1000 B, won by n1) → s2 (bound 40, input 1700 B, won by n3), entering at n2;
// chain c2 = s3 (bound 30, input 500 B, n3); chain c3 = s4 (bound 5, entering at n1 and won by n1).
//   transfer_max: s1 (1000 + 300)·8000/1e7 = 1.04; s2 (1700 + 300)·8000/1e9 = 0.016; s3 800·8000/1e7 = 0.64; s4 0
//   r1 s1 n2→n1 in-flight  6 (emulated  5, excess  1)  on time     r1 s2 n1→n3 32 (30,  2) on time
//   r2 s1       in-flight 30 (5, 25) late: 5 + 1.04 ≤ 21, machine  r2 s2       40 (30, 10) on time (≤ 41)
//   r3 s1       in-flight  5.5 (5, 0.5) on time                    r3 s2       50 (30, 20) late: 30.016 ≤ 41, machine
//   r4 s3 n2→n3 in-flight 36 (35, 1) late: 35.64 > 31, network
//   r5 s4 n1→n1 in-flight  0.5 (0, 0.5) on time                   r6 s4        8 (0, 8) late: 0 ≤ 6, machine
//   excess sorted 0.5 0.5 1 1 2 8 10 20 25: p50 2, p90 20 + 0.2·5 = 21, p99 20 + 0.92·5 = 24.6, max 25
//   unexplained (excess − transfer_max) sorted −0.54 −0.04 0.36 0.5 1.984 8 9.984 19.984 23.96:
//   p99 19.984 + 0.92·3.976 = 23.64192 > 10 → distorted (its health is fine)
//   health, windows overlapping the requests (1000 to 6008): nodes-0's at 1500 and 2500 (not 500 nor 7100, whose
//   stalls are worse): loop p99 (2·1000 + 4·1000)/2000 = 3, slack p99 (1.5·100 + 3·300)/400 = 2.625, max 30, 25;
//   nodes-1's at 3000 (1500 ms long) and 6500 (500 ms long, from 6000): loop p99 (1·1500 + 4·500)/2000 = 1.75,
//   slack p99 (6·50 + 2·150)/200 = 3, max 6, 7. Run: worst process p99 3 and 3, max 30 and 25, 600 delays.
// Run B: one on-time hop (s9, n1→n3, in-flight 31, unexplained 0.9896) but timer slack p99 12 > 10 → distorted.
// Run C: the same hop, slack p99 1 while it flowed (start-up's 500 left out): not distorted. Run D: neither hops
// nor health: distorted unknown (NULL). Run E: no hops, so every window counts: slack p99 20 → distorted.
const round = (x: unknown) => (typeof x === "number" ? Math.round(x * 1e6) / 1e6 : x);

type Line = EventBody & { t?: number };

const sla = (slaId: string, latencyMaxMs: number, inputMaxSizeBytes: number, targetNode: string): Line => ({
  kind: "sla_submitted",
  ...{ slaId, functionName: `f-${slaId}`, targetNode, memoryBytes: 1, cpuMilli: 1, latencyMaxMs },
  ...{ durationMs: 60000, inputMaxSizeBytes, replicas: 1 },
});

const awarded = (slaId: string, targetNode: string, winner: string): Line => ({
  kind: "auction_result",
  ...{ slaId, functionName: `f-${slaId}`, targetNode, rule: "second-price", startedAt: 0, durationMs: 1 },
  ...{ outcome: "awarded", winner, winningBidId: "b", winningBid: 1, price: 1, bids: [], refusals: [] },
  paymentAttempts: [],
});

const hop = (reqId: string, slaId: string, receivedAt: number, respondedAt: number, firstHop = false): Line => ({
  kind: "proxy_hop",
  ...{ reqId, slaId, tags: "x", firstHop, receivedAt, respondedAt, serviceStatus: 200, status: 200 },
});

/** A request: its entry at `entry`, then each function hop as [sla, received, responded]. */
const request = (reqId: string, entry: number, hops: [string, number, number][]): Line[] => [
  hop(reqId, hops[0]![0], entry, entry + 500, true),
  ...hops.map(([slaId, rx, tx]) => hop(reqId, slaId, rx, tx)),
];

const health = (
  t: number,
  windowMs: number,
  loop: [p99: number, max: number],
  slack: [p99: number, max: number, delays: number],
  final = false,
): Line => ({
  t,
  kind: "emulation_health",
  ...{ windowMs, nodes: 2, final, loopLagP50Ms: 0.1, loopLagP99Ms: loop[0], loopLagMaxMs: loop[1] },
  ...{ timerDelays: slack[2], timerSlackP50Ms: 0.05, timerSlackP99Ms: slack[0], timerSlackMaxMs: slack[1] },
});

const params = (repetition: number) => ({ strategy: { strategy: "auction" }, size: 1, repetition, variation: "x" });

/** Runs B and C: one chain s9 entering at n1, won by n3, one on-time request; the worker's timer slack p99 then. */
const quietRun = (c: string, key: string, repetition: number, slackP99: number) =>
  writeRunWithTopology(
    c,
    key,
    params(repetition),
    {
      market: [sla("s9", 40, 1000, "n1"), awarded("s9", "n1", "n3")],
      iot: request("r9", 1000, [["s9", 1031, 1040]]),
      "nodes-0": [health(100, 1000, [400, 500], [500, 500, 10]), health(1500, 1000, [1, 2], [slackP99, 20, 10], true)],
    },
    EMULATION_NODES,
  );

const { query } = useIngestedCampaign("emulation", (c) => {
  writeRunWithTopology(
    c,
    "runA",
    params(1),
    {
      market: [
        ...[sla("s1", 20, 1000, "n2"), sla("s2", 40, 1700, "n2"), sla("s3", 30, 500, "n2"), sla("s4", 5, 0, "n1")],
        ...[awarded("s1", "n2", "n1"), awarded("s2", "n2", "n3"), awarded("s3", "n2", "n3")],
        awarded("s4", "n1", "n1"),
      ],
      iot: [
        ...request("r1", 1000, [
          ["s1", 1006, 1050],
          ["s2", 1082, 1090],
        ]),
        ...request("r2", 2000, [
          ["s1", 2030, 2060],
          ["s2", 2100, 2110],
        ]),
        ...request("r3", 3000, [
          ["s1", 3005.5, 3040],
          ["s2", 3090, 3095],
        ]),
        ...request("r4", 4000, [["s3", 4036, 4040]]),
        ...request("r5", 5000, [["s4", 5000.5, 5001]]),
        ...request("r6", 6000, [["s4", 6008, 6009]]),
      ],
      "nodes-0": [
        health(500, 1000, [300, 900], [300, 900, 10]),
        health(1500, 1000, [2, 5], [1.5, 4, 100]),
        health(2500, 1000, [4, 30], [3, 25, 300]),
        health(7100, 1000, [50, 60], [50, 60, 10], true),
      ],
      "nodes-1": [health(3000, 1500, [1, 2], [6, 7, 50]), health(6500, 500, [4, 6], [2, 3, 150], true)],
    },
    EMULATION_NODES,
  );
  quietRun(c, "runB", 2, 12);
  quietRun(c, "runC", 3, 1);
  writeRunWithTopology(
    c,
    "runD",
    params(4),
    { market: [{ kind: "node_registered", nodeId: "n1", ip: "127.0.0.1", portHttp: "1" }] },
    EMULATION_NODES,
  );
  writeRunWithTopology(
    c,
    "runE",
    params(5),
    { "nodes-0": [health(1000, 1000, [1, 2], [20, 30, 10], true)] },
    EMULATION_NODES,
  );
});

describe("emulation fidelity views on a hand-built run", () => {
  it("ingestion stores the emulation_health events in their table", async () => {
    const health = await query(
      "SELECT source, t, window_ms, nodes, final, loop_lag_p99_ms, loop_lag_max_ms, timer_delays, timer_slack_p99_ms " +
        "FROM emulation_health WHERE run_key = 'runA' AND source = 'nodes-1' ORDER BY t",
    );
    expect(health.map((h) => Object.values(h))).toEqual([
      ["nodes-1", 3000, 1500, 2, false, 1, 2, 50, 6],
      ["nodes-1", 6500, 500, 2, true, 4, 6, 150, 2],
    ]);
  });

  it("hop_emulation: sender, receiver, the emulated path, the excess and why a hop was late", async () => {
    const hops = await query(
      "SELECT req_id, sla_id, sender_node, receiver_node, in_flight_ms, emulated_ms, transfer_max_ms, excess_ms, " +
        "late, late_by_machine, late_by_network FROM hop_emulation WHERE run_key = 'runA' ORDER BY req_id, position",
    );
    expect(hops.map((h) => Object.values(h).map(round))).toEqual([
      ["r1", "s1", "n2", "n1", 6, 5, 1.04, 1, false, false, false],
      ["r1", "s2", "n1", "n3", 32, 30, 0.016, 2, false, false, false],
      ["r2", "s1", "n2", "n1", 30, 5, 1.04, 25, true, true, false],
      ["r2", "s2", "n1", "n3", 40, 30, 0.016, 10, false, false, false],
      ["r3", "s1", "n2", "n1", 5.5, 5, 1.04, 0.5, false, false, false],
      ["r3", "s2", "n1", "n3", 50, 30, 0.016, 20, true, true, false],
      ["r4", "s3", "n2", "n3", 36, 35, 0.64, 1, true, false, true],
      ["r5", "s4", "n1", "n1", 0.5, 0, 0, 0.5, false, false, false],
      ["r6", "s4", "n1", "n1", 8, 0, 0, 8, true, true, false],
    ]);
  });

  it("run_emulation: excess percentiles, late hops by cause, the worst process's health, and the verdict", async () => {
    const runs = await query("SELECT * FROM run_emulation ORDER BY run_key");
    const [a, b, c, d] = runs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)])));
    expect(a).toEqual({
      run_key: "runA",
      ...{ hops: 9, measured_hops: 9, excess_p50_ms: 2, excess_p90_ms: 21, excess_p99_ms: 24.6, excess_max_ms: 25 },
      ...{ unexplained_p99_ms: 23.64192, late_hops: 4, late_by_machine_hops: 3, late_by_network_hops: 1 },
      ...{ processes: 2, health_windows: 4, timer_delays: 600, loop_lag_p50_ms: 0.1, loop_lag_p99_ms: 3 },
      ...{ loop_lag_max_ms: 30, timer_slack_p50_ms: 0.05, timer_slack_p99_ms: 3, timer_slack_max_ms: 25 },
      ...{ distortion_threshold_ms: 10, distorted: true },
    });
    expect(runs.map((r) => [r.run_key, r.distorted, r.late_hops, r.timer_slack_p99_ms, r.timer_slack_max_ms])).toEqual([
      ["runA", true, 4, 3, 25],
      ["runB", true, 0, 12, 20],
      ["runC", false, 0, 1, 20],
      ["runD", null, null, null, null],
      ["runE", true, null, 20, 30],
    ]);
    expect([b!.unexplained_p99_ms, c!.excess_max_ms, d!.hops]).toEqual([0.9896, 1, null]);
  });

  it("the campaign summary's emulation line: distorted runs, late hops by cause, requests failed only by the machine", async () => {
    // five auction runs: A, B and E distorted (C not, D unknown); run A's late hops r2 s1, r3 s2, r6 s4 by the
    // machine and r4 s3 by the network; its failed requests r2, r3, r6 (only machine-late hops) and r4
    const [row] = await query(EMULATION_SUMMARY_SQL);
    expect(Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, round(v)]))).toEqual({
      strategy: "auction",
      runs: 5,
      distorted_runs: 3,
      threshold_ms: 10,
      timer_slack_p99_ms: 20,
      excess_p99_ms: 24.6,
      loop_lag_p99_ms: 3,
      late_hops: 4,
      late_by_machine_hops: 3,
      late_by_network_hops: 1,
      failed_requests: 4,
      failed_by_machine: 3,
    });
    expect(emulationLines([row!])).toEqual([
      "Emulation (a run is distorted when its p99 timer slack or hop excess passes 10 ms; worst run shown):",
      "  auction: 3 of 5 runs distorted; timer slack p99 20 ms, hop excess p99 24.6 ms; 4 late hops (3 by the " +
        "machine, 1 by the network); 3 of 4 failed requests failed only by the machine's lateness",
    ]);
  });
});
