import { describe, expect, it } from "vitest";
import { rows, withConnection } from "./connection.ts";
import { writeFixtureCampaign } from "./testing/fixtures.ts";
import { useIngestedCampaign } from "./testing/ingested.ts";
import { createViews } from "./views.ts";

// Hand computation of the fixture (testing/fixtures.ts), run A:
//   r1: in-flight 2010−2000 = 10 (≤ 20+1), 2050−2030 = 20 (≤ 100+1): acceptable
//   r2: 3021.5−3000 = 21.5 > 21: not acceptable (and so the chain after it); 3045−3040 = 5
//   r3: 4021−4000 = 21 ≤ 21 (bound included); 4040−4030 = 10 but service status 500: not acceptable
//   chain c1: 3 requests, 1 acceptable → not respected; 6 hops, 4 acceptable; mean in-flight
//   (10+20+21.5+5+21+10)/6 = 14.58333. SLA violations: final 100 (one pseudo-chain s1,s2, violated), respected 100,
//   v3 2/6 = 33.3333 (views-definitions.test.ts tells the three apart)
//   deployment c1 = 50 + 70 = 120; spending GIRAFF (own price) 3.5 + 5.5 = 9, charged 4 + 6 = 10
//   unplaced: s3 (10 ms → '< 15 ms') refused; s1, s2 ('15–150 ms') placed → 1 of 3
//   earnings n0 0, n1 4 / 3.5, n2 6 / 5.5: Jain charged 100 / (3·52) = 0.641026, reference 81 / (3·42.5) = 0.635294
// Run B: one chain d1, one acceptable request (130−100 = 30 ≤ 51), deployment 40, charged 2, reference 1.5.
const round = (x: unknown) => Math.round(Number(x) * 1e6) / 1e6;

const { query } = useIngestedCampaign("views", (c) => {
  writeFixtureCampaign(c);
});

describe("metric views on the hand-made fixture", () => {
  it("hop_in_flight applies GIRAFF's rule hop by hop, cumulatively", async () => {
    const hops = await query(
      "SELECT req_id, position, in_flight_ms, latency_max_ms, acceptable, acceptable_chained FROM hop_in_flight " +
        "WHERE run_key = 'runA' ORDER BY req_id, position",
    );
    expect(hops.map((h) => [h.req_id, h.position, h.in_flight_ms, h.acceptable, h.acceptable_chained])).toEqual([
      ["r1", 1, 10, true, true],
      ["r1", 2, 20, true, true],
      ["r2", 1, 21.5, false, false],
      ["r2", 2, 5, true, false],
      ["r3", 1, 21, true, true],
      ["r3", 2, 10, false, false],
    ]);
    expect(hops.map((h) => h.latency_max_ms)).toEqual([20, 100, 20, 100, 20, 100]);
  });

  it("hop_in_flight orders hops received and answered at the same instant the same way, whatever their input order", async () => {
    const positions = (order: number[]) =>
      withConnection(":memory:", async (con) => {
        await createViews(con);
        const hops = [
          "('q', 'e', true, 100, 130, 200)", // the entry proxy
          "('q', 'b', false, 110, 120, 200)",
          "('q', 'a', false, 110, 120, 200)",
        ];
        await con.run(
          "INSERT INTO imported_proxy_hop (req_id, sla_id, first_hop, received_at, responded_at, status) " +
            `VALUES ${order.map((i) => hops[i]).join(", ")}`,
        );
        await con.run("UPDATE imported_proxy_hop SET run_key = 'runT', service_status = status");
        await createViews(con);
        return rows(con, "SELECT sla_id, position FROM hop_in_flight ORDER BY position");
      });
    const expected = [
      { sla_id: "a", position: 1 },
      { sla_id: "b", position: 2 },
    ];
    expect(await positions([0, 1, 2])).toEqual(expected);
    expect(await positions([2, 1, 0])).toEqual(expected);
  });

  it("chain_sla: respected only when every request was acceptable", async () => {
    const chains = await query("SELECT * FROM chain_sla ORDER BY run_key, chain_id");
    expect(
      chains.map((c) => [
        c.run_key,
        c.chain_id,
        c.requests,
        c.acceptable_requests,
        c.respected,
        c.hops,
        c.acceptable_hops,
      ]),
    ).toEqual([
      ["runA", "c1", 3, 1, false, 6, 4],
      ["runB", "d1", 1, 1, true, 1, 1],
    ]);
    expect(round(chains[0]!.mean_in_flight_ms)).toBe(14.583333);
  });

  it("deployment, spending (GIRAFF's own bid vs charged) per chain", async () => {
    const dep = await query("SELECT run_key, chain_id, functions, deployment_ms FROM chain_deployment ORDER BY 1, 2");
    expect(dep).toEqual([
      { run_key: "runA", chain_id: "c1", functions: 2, deployment_ms: 120 },
      { run_key: "runB", chain_id: "d1", functions: 1, deployment_ms: 40 },
    ]);
    const live = await query("SELECT time_to_live_ms FROM function_deployment WHERE sla_id = 's1'");
    expect(live).toEqual([{ time_to_live_ms: 80 }]);
    const spend = await query("SELECT chain_id, spending_giraff, spending_charged FROM chain_spending ORDER BY 1");
    expect(spend).toEqual([
      { chain_id: "c1", spending_giraff: 9, spending_charged: 10 },
      { chain_id: "d1", spending_giraff: 1.5, spending_charged: 2 },
    ]);
  });

  it("unplaced functions by latency class", async () => {
    const unplaced = await query(
      "SELECT latency_class, requested, unplaced, unplaced_pct FROM unplaced_functions WHERE run_key = 'runA' ORDER BY 1",
    );
    expect(unplaced).toEqual([
      { latency_class: "15–150 ms", requested: 2, unplaced: 0, unplaced_pct: 0 },
      { latency_class: "< 15 ms", requested: 1, unplaced: 1, unplaced_pct: 100 },
    ]);
  });

  it("Jain's index counts nodes that earned nothing", async () => {
    const earnings = await query(
      "SELECT node_id, earnings_charged, earnings_reference FROM node_earnings WHERE run_key = 'runA' ORDER BY 1",
    );
    expect(earnings).toEqual([
      { node_id: "n0", earnings_charged: 0, earnings_reference: 0 },
      { node_id: "n1", earnings_charged: 4, earnings_reference: 3.5 },
      { node_id: "n2", earnings_charged: 6, earnings_reference: 5.5 },
    ]);
    const [jain] = await query("SELECT * FROM jain_earnings WHERE run_key = 'runA'");
    expect([jain!.nodes, round(jain!.jain_charged), round(jain!.jain_reference)]).toEqual([3, 0.641026, 0.635294]);
  });

  it("node utilisation is committed over available", async () => {
    const [n1] = await query("SELECT * FROM node_utilisation WHERE run_key = 'runA' AND node_id = 'n1'");
    expect([n1!.samples, round(n1!.cpu_mean), n1!.cpu_max, n1!.memory_mean]).toEqual([2, 0.2, 0.3, 0.1]);
  });

  it("run_metrics and the per strategy × size summary with a t-based 95 % CI", async () => {
    const runs = await query(
      "SELECT run_key, strategy, nodes, sla_violation_pct, sla_violation_v3_pct, sla_violation_respected_pct, " +
        "mean_deployment_ms, mean_spending_giraff, mean_spending_charged, unplaced_pct FROM run_metrics ORDER BY 1",
    );
    expect(
      runs.map((r) => [
        r.run_key,
        r.strategy,
        r.nodes,
        r.sla_violation_pct,
        round(r.sla_violation_v3_pct),
        r.sla_violation_respected_pct,
        r.mean_deployment_ms,
        r.mean_spending_giraff,
        r.mean_spending_charged,
      ]),
    ).toEqual([
      ["runA", "auction", 3, 100, 33.333333, 100, 120, 9, 10],
      ["runB", "auction", 3, 0, 0, 0, 40, 1.5, 2],
    ]);
    expect(round(runs[0]!.unplaced_pct)).toBe(33.333333);
    // sla_violation_pct: mean 50, sd 70.710678, half-width t975(1)·sd/√2 = 12.7062 · 50 = 635.31
    const [s] = await query("SELECT * FROM strategy_summary WHERE metric = 'sla_violation_pct'");
    expect([s!.strategy, s!.nodes, s!.runs, s!.mean, round(s!.ci_low), round(s!.ci_high)]).toEqual([
      "auction",
      3,
      2,
      50,
      -585.31,
      685.31,
    ]);
  });

  it("t975 follows the t table and the expansion beyond 30 degrees of freedom", async () => {
    const [t] = await query("SELECT t975(1) a, t975(10) b, t975(31) c, t975(100) d, t975(0) e");
    expect([t!.a, t!.b, round(t!.c).toFixed(4), round(t!.d).toFixed(3), t!.e]).toEqual([
      12.7062,
      2.2281,
      "2.0395",
      "1.984",
      null,
    ]);
  });
});
