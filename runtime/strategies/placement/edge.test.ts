import { describe, expect, it } from "vitest";
import { devTree } from "../testing/dev-tree.ts";
import { makeSla } from "../testing/fixtures.ts";
import { InMemoryNetwork } from "../testing/in-memory-network.ts";
import { bidders, refusalsByNode } from "../testing/inspect.ts";
import { REASONS } from "../types.ts";
import { edgeFirst } from "./edge-first.ts";
import { edgeFurthest } from "./edge-furthest.ts";
import { edgeWard } from "./edge-ward.ts";

const full = { cpuFreeMilli: 0 };

describe("edge-first on the dev tree", () => {
  it("bids alone when it can, asking nobody", async () => {
    const net = new InMemoryNetwork(devTree(), edgeFirst);
    expect(bidders(await net.submit("node_2", makeSla()))).toEqual(["node_2"]);
    expect(net.visited()).toEqual(["node_2"]);
  });

  it("searches closest first and stops at the first bid", async () => {
    // From node_2: node_35 (1 ms, full), then node_34 (6 ms) bids; node_3 and node_1 are never asked.
    const net = new InMemoryNetwork(devTree({ node_2: full, node_35: full }), edgeFirst);
    const answer = await net.submit("node_2", makeSla());
    expect(bidders(answer)).toEqual(["node_34"]);
    expect(net.visited()).toEqual(["node_2", "node_35", "node_34"]);
    expect(refusalsByNode(answer)).toEqual({ node_2: REASONS.insufficientCpu, node_35: REASONS.insufficientCpu });
  });

  it("goes depth first through the parent", async () => {
    // node_35 full → its only neighbour node_2 (full) → node_34, the closest of node_2's other neighbours.
    const net = new InMemoryNetwork(devTree({ node_2: full, node_35: full }), edgeFirst);
    expect(bidders(await net.submit("node_35", makeSla()))).toEqual(["node_34"]);
    expect(net.visited()).toEqual(["node_35", "node_2", "node_34"]);
  });

  it("answers empty, with reasons, when nothing feasible can host", async () => {
    const tree = devTree({ node_2: full, node_35: full, node_34: full });
    const answer = await new InMemoryNetwork(tree, edgeFirst).submit("node_2", makeSla({ latencyMaxMs: 40 }));
    expect(answer.bids).toEqual([]);
    expect(refusalsByNode(answer)).toMatchObject({ node_3: REASONS.latencyTooHigh, node_1: REASONS.latencyTooHigh });
  });
});

describe("edge-furthest on the dev tree", () => {
  it("pushes to the furthest feasible neighbour and declines itself", async () => {
    // From node_2 with 100 ms: node_3 (65) is furthest feasible; node_1 (130) is pruned.
    const net = new InMemoryNetwork(devTree(), edgeFurthest);
    const answer = await net.submit("node_2", makeSla({ latencyMaxMs: 100 }));
    expect(bidders(answer)).toEqual(["node_3"]);
    expect(refusalsByNode(answer)).toEqual({ node_2: REASONS.strategyDeclined, node_1: REASONS.latencyTooHigh });
    expect(net.visited()).toEqual(["node_2", "node_3"]);
  });

  it("falls back to the next furthest, then to itself", async () => {
    const net = new InMemoryNetwork(devTree({ node_3: full }), edgeFurthest);
    expect(bidders(await net.submit("node_2", makeSla({ latencyMaxMs: 100 })))).toEqual(["node_34"]);
    const alone = new InMemoryNetwork(devTree({ node_3: full, node_34: full, node_35: full }), edgeFurthest);
    expect(bidders(await alone.submit("node_2", makeSla({ latencyMaxMs: 100 })))).toEqual(["node_2"]);
  });
});

describe("edge-ward on the dev tree", () => {
  it("climbs to the first parent with capacity, without accumulating or checking latency", async () => {
    const net = new InMemoryNetwork(devTree({ node_35: full, node_2: full }), edgeWard);
    const answer = await net.submit("node_35", makeSla({ latencyMaxMs: 1 }));
    expect(bidders(answer)).toEqual(["node_1"]);
    expect(net.visited()).toEqual(["node_35", "node_2", "node_1"]);
    expect(net.visits.at(-1)!.request.accumulatedLatency.medianMs).toBe(0);
    expect(refusalsByNode(answer)).toEqual({ node_35: REASONS.insufficientCpu, node_2: REASONS.insufficientCpu });
  });

  it("ends empty at the root when the whole path is full", async () => {
    const tree = devTree({ node_3: full, node_2: full, node_1: full, market: full });
    const answer = await new InMemoryNetwork(tree, edgeWard).submit("node_3", makeSla());
    expect(answer.bids).toEqual([]);
    expect(Object.keys(refusalsByNode(answer)).sort()).toEqual(["market", "node_1", "node_2", "node_3"]);
  });
});
