/**
 * The deviation simulation on a three-node tree, against winners and prices computed by hand. Quadratic bids on
 * idle nodes are E·s·(AA·s + BB)·D with D = 10 s.
 *
 *   root (1.5 cores; AA 0.01, BB 0.2) ─5 ms─ edge_a (2 cores; AA 1, BB 1)
 *        └─5 ms─ edge_b (2 cores; AA 0.5, BB 0.5)
 *
 * Two chains arrive at 0 s: c1 (1000 m then 100 m) at edge_a, c2 (1000 m) at edge_b. Both first auctions see the
 * idle tree and rank root (s = 2/3: 1.3778), edge_b (3.75), edge_a (7.5). Their payments land at 2 × (5 + 10) =
 * 30 ms: c1's first, so root (1000 of 1500 m used) refuses c2's.
 */
import { describe, expect, it } from "vitest";
import type { PlanChain } from "../orchestrator/plan/workload/plan-schema.ts";
import type { Topology, TopologyNode } from "../runtime/protocol/topology.ts";
import { LATENCY_MODELS, STRATEGIES, valuation } from "../runtime/strategies/index.ts";
import { compareArms } from "./deviations-compare.ts";
import { EvenOddLimiter } from "./deviations-nodes.ts";
import { arm, simulate, type SimInput } from "./deviations-sim.ts";

function node(id: string, parent: string | null, cores: number, AA: number, BB: number): TopologyNode {
  return {
    id,
    name: id,
    level: parent === null ? 0 : 1,
    parent,
    flavor: { cores: 4, memMiB: 8192, reservedCores: cores, reservedMemMiB: 2048 },
    link: parent === null ? null : { latencyMs: 5, rateBps: 1e9, lossPct: 0 },
    iotConnected: parent !== null,
    isCloud: parent === null,
    valuation: { ratioAA: AA, ratioBB: BB, electricityPrice: 1 },
    maxInFlight: 100,
  };
}

const topology: Topology = {
  name: "three",
  nodes: [node("root", null, 1.5, 0.01, 0.2), node("edge_a", "root", 2, 1, 1), node("edge_b", "root", 2, 0.5, 0.5)],
};

function chain(id: string, target: string, cpus: number[]): PlanChain {
  return {
    id,
    pipeline: "test",
    chainIndex: 0,
    targetNodeId: target,
    targetNodeName: target,
    arrivalS: 0,
    requestIntervalMs: 1000,
    durationMs: 10_000,
    content: "ping",
    functions: cpus.map((cpuMilli, index) => ({
      index,
      name: `${id}-f${index}`,
      image: "fn_echo",
      memoryMiB: 100,
      cpuMilli,
      latencyMaxMs: 100,
      inputMaxSize: "1500 B",
      replicas: 1,
      envVars: [],
      requestIntervalMs: 1000,
    })),
  };
}

const input: SimInput = {
  topology,
  chains: [chain("c1", "edge_a", [1000, 100]), chain("c2", "edge_b", [1000])],
  latencyModel: LATENCY_MODELS.tcp,
};

const idleRoot = (2 / 3) * (0.01 * (2 / 3) + 0.2) * 10;

describe("deviation simulation on a three-node tree", () => {
  it("places, prices and falls back as computed by hand (ours)", async () => {
    const { slas } = await simulate(input, arm("ours", STRATEGIES.auction));
    const [c1f0, c1f1, c2f0] = slas;
    expect(c1f0).toMatchObject({ key: "c1#0", winner: "root", charged: 3.75, refusedPayments: 0, bidders: 3 });
    expect(c1f0!.ownPrice).toBeCloseTo(idleRoot, 9);
    // root refused c2's payment; edge_b takes it and pays the bid ranked after it, edge_a's 7.5
    expect(c2f0).toMatchObject({ key: "c2#0", winner: "edge_b", ownPrice: 3.75, charged: 7.5, refusedPayments: 1 });
    // c1's second function, auctioned from root at 30 ms: root holds 2/3 for 10 s, U = 20/3;
    // (1/15)·(2·0.01·20/3 + (0.01/15 + 0.2)·10) = 2.14 / 15; edge_b holds c2: 0.05·(2·0.5·5 + 0.525·10)
    expect(c1f1).toMatchObject({ key: "c1#1", winner: "root" });
    expect(c1f1!.ownPrice).toBeCloseTo(2.14 / 15, 9);
    expect(c1f1!.charged).toBeCloseTo(0.5125, 9);
  });

  it("refuses c2 without the fallback, which leaves edge_b idle for c1's second function", async () => {
    const on = await simulate(input, arm("ours", STRATEGIES.auction));
    const off = await simulate(input, arm("no-fallback", STRATEGIES.auction, { paymentFallback: false }));
    expect(off.slas[2]!.winner).toBeUndefined();
    expect(off.slas[2]!.reason).toBe("the winner refused payment (no fallback)");
    expect(off.slas[1]!.charged).toBeCloseTo(0.05 * 0.525 * 10, 9);
    expect(compareArms(on, off)).toMatchObject({
      slas: 3,
      winnerChanged: 1,
      unplacedOn: 0,
      unplacedOff: 1,
      refusedPaymentsOn: 1,
      refusedPaymentsOff: 1,
      awardedAfterRefusalOn: 1,
      pairedChains: 1,
    });
  });

  it("uses the arm's valuation, and the strategy's forced one", async () => {
    const giraff = await simulate(input, arm("g", STRATEGIES.auction, { valuation: valuation("quadratic-giraff") }));
    // no committed function outlives D here, and replicas are 1: GIRAFF's terms give the same bids
    expect(giraff.slas.map((s) => s.winner)).toEqual(["root", "root", "edge_b"]);
    const cpu = await simulate(input, arm("m", STRATEGIES.mincpurandom));
    // every node idle: both candidates bid 0 bp; whoever wins is charged its quadratic price, GIRAFF 0 bp
    expect(cpu.slas[0]).toMatchObject({ giraffCharged: 0 });
    expect(cpu.slas[0]!.charged).toBe(cpu.slas[0]!.ownPrice);
    expect(cpu.slas[0]!.charged).toBeGreaterThan(0);
  });

  it("is deterministic", async () => {
    const a = await simulate(input, arm("m", STRATEGIES.mincpurandom));
    const b = await simulate(input, arm("m", STRATEGIES.mincpurandom));
    expect(a).toEqual(b);
  });
});

describe("GIRAFF's even/odd in-flight limiter", () => {
  it("lets counts in one parity accumulate until a call in the other parity", () => {
    const limiter = new EvenOddLimiter(1);
    // max 1: refused once the count before the call exceeds 1, even seconds apart
    expect([0, 2000, 4000].map((t) => limiter.tryAcquire(t))).toEqual([true, true, false]);
    expect(limiter.tryAcquire(5000)).toBe(true);
    expect(limiter.tryAcquire(6000)).toBe(true);
  });
});
