import { describe, expect, it } from "vitest";
import { LATENCY_MODELS } from "../latency-models.ts";
import { devTree } from "../testing/dev-tree.ts";
import { link, makeSla } from "../testing/fixtures.ts";
import { InMemoryNetwork } from "../testing/in-memory-network.ts";
import { bidders, refusalsByNode } from "../testing/inspect.ts";
import { REASONS } from "../types.ts";
import { auction } from "./auction.ts";

// tcp model, 1-byte payload: a neighbour is explored iff 6.5 × path one-way ≤ latencyMax.
describe("auction on the dev tree", () => {
  it("from the root, prunes node_2 (6.5 × 22 = 143 ms > 30 ms) and so its subtree", async () => {
    const net = new InMemoryNetwork(devTree(), auction);
    const answer = await net.submit("market", makeSla({ latencyMaxMs: 30 }));
    expect(bidders(answer)).toEqual(["market", "node_1", "node_12"]);
    expect(refusalsByNode(answer)).toEqual({ node_2: REASONS.latencyTooHigh });
    expect(answer.refusals?.[0]?.detail).toMatch(/143 ms.*latencyMax 30 ms/);
    expect(net.visited().sort()).toEqual(["market", "node_1", "node_12"]);
  });

  it("from node_2, climbs and descends within the budget", async () => {
    // node_35: 6.5, node_34: 39 (bid), node_3: 65 and node_1: 130 (pruned) against 40 ms.
    const net = new InMemoryNetwork(devTree(), auction);
    const answer = await net.submit("node_2", makeSla({ latencyMaxMs: 40 }));
    expect(bidders(answer)).toEqual(["node_2", "node_34", "node_35"]);
    expect(refusalsByNode(answer)).toEqual({ node_3: REASONS.latencyTooHigh, node_1: REASONS.latencyTooHigh });
  });

  it("floods the whole tree once when the budget allows, accumulating latency along the way", async () => {
    const net = new InMemoryNetwork(devTree(), auction);
    const answer = await net.submit("node_35", makeSla({ latencyMaxMs: 1000 }));
    expect(bidders(answer)).toHaveLength(7);
    expect(answer.refusals).toEqual([]);
    expect(net.visited()).toHaveLength(7);
    const atNode12 = net.visits.find((v) => v.nodeId === "node_12")!.request;
    expect(atNode12.nodeOrigin).toBe("market");
    expect(atNode12.accumulatedLatency.medianMs).toBe(1 + 20 + 2 + 4);
  });

  it("reports unknown latencies, declines and silent nodes, and keeps going past a decline", async () => {
    const tree = devTree({ node_12: { link: undefined }, node_1: { cpuFreeMilli: 100 } });
    const net = new InMemoryNetwork(tree, auction);
    net.dropped.add("node_34");
    const answer = await net.submit("market", makeSla());
    expect(bidders(answer)).toEqual(["market", "node_2", "node_3", "node_35"]);
    expect(refusalsByNode(answer)).toEqual({
      node_12: REASONS.latencyUnknown,
      node_1: REASONS.insufficientCpu,
      node_34: REASONS.timeout,
    });
  });

  it("records a throwing valuation as a refusal and still floods", async () => {
    const net = new InMemoryNetwork(devTree(), auction);
    const broken = {
      ...auction,
      handle: (ctx: Parameters<typeof auction.handle>[0]) =>
        auction.handle({
          ...ctx,
          bidSelf: () => {
            throw new RangeError("bid NaN");
          },
        }),
    };
    net.nodes.set("node_1", { ...net.nodes.get("node_1")!, strategy: broken });
    const answer = await net.submit("market", makeSla());
    expect(bidders(answer)).toHaveLength(6);
    expect(answer.refusals).toEqual([{ nodeId: "node_1", reason: REASONS.valuationFailed, detail: "bid NaN" }]);
  });

  it("uses the link bandwidth with the paper model (node_34's 100 Mb/s link)", async () => {
    // 125 kB → 128 425 B on the wire: 10.27 ms at 100 Mb/s, 1.03 ms at 1 Gb/s. Against 12 ms from node_2:
    // node_35 1 + 1.03 and node_3 10 + 1.03 pass; node_34 6 + 10.27 and node_1 20 + 1.03 fail.
    const net = new InMemoryNetwork(devTree(), auction, LATENCY_MODELS.paper);
    const answer = await net.submit("node_2", makeSla({ latencyMaxMs: 12, inputMaxSizeBytes: 125_000 }));
    expect(bidders(answer)).toEqual(["node_2", "node_3", "node_35"]);
    expect(refusalsByNode(answer)).toEqual({ node_34: REASONS.latencyTooHigh, node_1: REASONS.latencyTooHigh });
  });

  it("adds link uncertainty in quadrature before judging", async () => {
    // node_35's link: median 1, IQR 1.349 × 5 → σ 5; o = 6, 6.5 × 6 = 39 ≤ 39 but > 38.
    const tree = devTree({ node_35: { link: link(1, { iqrMs: 1.349 * 5 }) } });
    const ok = await new InMemoryNetwork(tree, auction).submit("node_2", makeSla({ latencyMaxMs: 39.01 }));
    const ko = await new InMemoryNetwork(tree, auction).submit("node_2", makeSla({ latencyMaxMs: 38 }));
    expect(bidders(ok)).toContain("node_35");
    expect(refusalsByNode(ko)["node_35"]).toBe(REASONS.latencyTooHigh);
  });
});
