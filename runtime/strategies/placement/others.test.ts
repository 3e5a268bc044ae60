import { describe, expect, it } from "vitest";
import { devTree } from "../testing/dev-tree.ts";
import { makeSla } from "../testing/fixtures.ts";
import { InMemoryNetwork } from "../testing/in-memory-network.ts";
import { bidders, refusalsByNode } from "../testing/inspect.ts";
import { REASONS, type PlacementStrategy } from "../types.ts";
import { cloudOnly } from "./cloud-only.ts";
import { maxCpu } from "./max-cpu.ts";
import { mincpurandom, mincpurandomWalk } from "./mincpurandom.ts";

describe("mincpurandom on the dev tree", () => {
  it("collects two candidates: itself and one random neighbour", async () => {
    const net = new InMemoryNetwork(devTree(), mincpurandom);
    const answer = await net.submit("node_2", makeSla(), { nbPropositionsRequired: 2 });
    expect(answer.bids).toHaveLength(2);
    expect(bidders(answer)).toContain("node_2");
    expect(["node_1", "node_3", "node_34", "node_35"]).toContain(net.visits[1]!.nodeId);
    expect(net.visits[1]!.request.nbPropositionsRequired).toBe(1);
  });

  it("is deterministic per SLA id, and varies across SLA ids", async () => {
    const run = async (id: string) =>
      bidders(await new InMemoryNetwork(devTree(), mincpurandom).submit("node_2", makeSla({ id })));
    expect(await run("a")).toEqual(await run("a"));
    const picks = new Set(await Promise.all(Array.from({ length: 40 }, (_, i) => run(`sla-${i}`).then(String))));
    expect(picks.size).toBeGreaterThan(1);
  });

  /** node_2 full, asked by node_1 for one proposal for SLA `s<i>`. */
  async function askFullNode2(strategy: PlacementStrategy, i: number) {
    const net = new InMemoryNetwork(devTree({ node_2: { cpuFreeMilli: 0 } }), strategy);
    const answer = await net.handle("node_2", {
      nodeOrigin: "node_1",
      sla: makeSla({ id: `s${i}` }),
      accumulatedLatency: { medianMs: 2, averageMs: 2, uncertaintyMs: 0, packetLoss: 0, bandwidthBps: 1e9 },
      nbPropositionsRequired: 1,
    });
    return { net, answer };
  }

  it("never spends a slot on the sender (fix)", async () => {
    // node_2 must forward to a child, whatever the seed.
    for (let i = 0; i < 40; i++) {
      const { net, answer } = await askFullNode2(mincpurandom, i);
      expect(answer.bids).toHaveLength(1);
      expect(net.visited()).not.toContain("node_1");
    }
  });

  it("with GIRAFF's walk, a pick of the sender wastes the slot (the switch the fix turns off)", async () => {
    // Same call as above: node_2 full, asked by node_1 for one proposal. node_2 has 4 neighbours, node_1 among
    // them, so GIRAFF's shuffle puts the sender first for some SLA ids, and then nobody is asked.
    const giraff = mincpurandomWalk({ senderTakesSlot: true }, "mincpurandom-giraff");
    const empty: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { net, answer } = await askFullNode2(giraff, i);
      expect(net.visited()).not.toContain("node_1");
      if (answer.bids.length === 0) empty.push(`s${i}`);
    }
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.length).toBeLessThan(40);
  });

  it("keeps the other proposals when a neighbour fails (fix)", async () => {
    // Required 5 at node_2: own bid, then all four neighbours with quota 1; node_34's call rejects.
    const net = new InMemoryNetwork(devTree(), mincpurandom);
    net.failing.add("node_34");
    const answer = await net.submit("node_2", makeSla(), { nbPropositionsRequired: 5 });
    expect(bidders(answer)).toEqual(["node_1", "node_2", "node_3", "node_35"]);
    expect(refusalsByNode(answer)).toEqual({ node_34: REASONS.unreachable });
  });

  it("spreads a larger quota over few neighbours", async () => {
    // node_35 is full and its only neighbour is node_2: quota ⌈3 / 1⌉ = 3 all goes to node_2.
    const net = new InMemoryNetwork(devTree({ node_35: { cpuFreeMilli: 0 } }), mincpurandom);
    await net.submit("node_35", makeSla(), { nbPropositionsRequired: 3 });
    expect(net.visits[1]).toMatchObject({ nodeId: "node_2", request: { nbPropositionsRequired: 3 } });
  });
});

describe("max-cpu on the dev tree", () => {
  // Bids are CPU utilisation in bp.
  const utilisation = { market: 10, node_1: 50, node_12: 70, node_2: 20, node_3: 30, node_34: 90, node_35: 40 };
  const tree = devTree(Object.fromEntries(Object.entries(utilisation).map(([id, bid]) => [id, { bid }])));

  it("keeps the two most utilised, filtering at every node", async () => {
    const answer = await new InMemoryNetwork(tree, maxCpu).submit("node_2", makeSla());
    expect(answer.bids.map((b) => b.nodeId)).toEqual(["node_34", "node_12"]);
    const dropped = (answer.refusals ?? []).filter((r) => r.reason === REASONS.dropped);
    expect(dropped.map((r) => r.nodeId).sort()).toEqual(["market", "node_1", "node_2", "node_3", "node_35"]);
    // The market's bid was already dropped at node_1, which saw market (10), node_12 (70) and itself (50).
    expect(dropped.find((r) => r.nodeId === "market")?.detail).toMatch(/at node_1/);
  });

  it("pairs with the random market rule and the cpu-utilisation valuation", () => {
    expect(maxCpu.marketRule).toBe("random");
    expect(maxCpu.forcedValuation).toBe("cpu-utilisation");
  });
});

describe("cloud-only on the dev tree", () => {
  it("climbs to the root, where only the root bids", async () => {
    const net = new InMemoryNetwork(devTree(), cloudOnly);
    const answer = await net.submit("node_35", makeSla({ latencyMaxMs: 1 }));
    expect(bidders(answer)).toEqual(["market"]);
    expect(net.visited()).toEqual(["node_35", "node_2", "node_1", "market"]);
    expect(refusalsByNode(answer)).toEqual({
      node_35: REASONS.notCloud,
      node_2: REASONS.notCloud,
      node_1: REASONS.notCloud,
    });
  });

  it("lets a full root decline", async () => {
    const answer = await new InMemoryNetwork(devTree({ market: { cpuFreeMilli: 0 } }), cloudOnly).submit(
      "market",
      makeSla(),
    );
    expect(answer.bids).toEqual([]);
    expect(refusalsByNode(answer)).toEqual({ market: REASONS.insufficientCpu });
  });
});
