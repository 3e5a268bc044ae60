/**
 * Every strategy places functions on GIRAFF's 7-node development tree, run as real processes on loopback with
 * emulated link latency.
 */
import { afterAll, describe, expect, it } from "vitest";
import { STRATEGIES } from "../strategies/index.ts";
import { devTopology, idOf, putFunction, slaBody } from "../testing/fixtures.ts";
import { launchFogNetwork, type FogNetwork } from "./launch.ts";

const topology = devTopology();
const name = (id: string) => topology.nodes.find((n) => n.id === id)!.name;
const networks: FogNetwork[] = [];
afterAll(async () => {
  await Promise.all(networks.map((n) => n.stop()));
});

// Where each strategy must place an SLA submitted at node_34 (the edge), with a latency budget that reaches the
// whole tree: [possible winners].
const expected: Record<string, string[]> = {
  auction: ["market", "node_1", "node_12", "node_2", "node_3", "node_34", "node_35"],
  "edge-first": ["node_34"],
  "edge-ward": ["node_34"],
  "edge-furthest": ["node_12"],
  "cloud-only": ["market"],
  mincpurandom: ["market", "node_1", "node_12", "node_2", "node_3", "node_34", "node_35"],
  "max-cpu": ["market", "node_1", "node_12", "node_2", "node_3", "node_34", "node_35"],
};

describe.each(Object.keys(STRATEGIES).map((s, i) => [s, i] as const))("strategy %s", (strategy, i) => {
  it("places a chain of functions on the dev tree", async () => {
    const network = await launchFogNetwork(topology, {
      strategy,
      subnet: `127.${60 + i}`,
      faas: false,
      logLevel: "error",
    });
    networks.push(network);
    const target = idOf(topology, "node_34");
    const winners: string[] = [];
    for (let k = 0; k < 3; k++) {
      const { status, json } = await putFunction(
        network.marketUrl,
        target,
        slaBody({ latencyMax: "2000 ms", functionLiveName: `f${k}` }),
      );
      expect(status, JSON.stringify(json)).toBe(200);
      winners.push(name(json.chosen.bid.nodeId));
      const record = network.market.records.get(json.sla.id)!;
      expect(record.outcome).toBe("awarded");
      expect(record.rule).toBe(STRATEGIES[strategy as keyof typeof STRATEGIES].marketRule);
      expect(json.chosen.ip).toMatch(/^127\./);
    }
    for (const w of winners) expect(expected[strategy]).toContain(w);
    if (strategy === "auction") {
      // the auction explores the whole tree within a 2 s budget: every node bids on the first SLA
      const first = [...network.market.records.values()].find((r) => r.functionName === "f0")!;
      expect(first.bids.map((b) => name(b.nodeId)).sort()).toEqual([...expected.auction].sort());
    }
    if (strategy === "mincpurandom") {
      const first = [...network.market.records.values()].find((r) => r.functionName === "f0")!;
      expect(first.bids.length).toBeLessThanOrEqual(3);
      expect(first.bids.length).toBeGreaterThanOrEqual(2);
    }
    await network.stop();
  });
});
