import { describe, expect, it } from "vitest";
import { benchTree } from "../../bench/tree.ts";
import type { Topology } from "../protocol/topology.ts";
import { devTopology } from "../testing/fixtures.ts";
import { partitionBySubtree } from "./partition.ts";

/** Links whose two ends are in different groups. */
function crossLinks(topology: Topology, groups: string[][]): number {
  const groupOf = new Map(groups.flatMap((g, i) => g.map((id) => [id, i] as const)));
  return topology.nodes.filter((n) => n.parent !== null && groupOf.get(n.parent) !== groupOf.get(n.id)).length;
}

describe("partitionBySubtree", () => {
  it("puts every node in exactly one group of near-equal size", () => {
    const topology = benchTree({ nodes: 203, seed: 7 });
    for (const count of [1, 2, 3, 8]) {
      const groups = partitionBySubtree(topology, count);
      expect(groups).toHaveLength(count);
      expect(groups.flat().sort()).toEqual(topology.nodes.map((n) => n.id).sort());
      const sizes = groups.map((g) => g.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("keeps subtrees together: few links cross groups, far fewer than cutting the file order", () => {
    const topology = benchTree({ nodes: 200, seed: 1 });
    const groups = partitionBySubtree(topology, 2);
    // one cut of a depth-first order crosses only the links hanging off one root-to-node path
    expect(crossLinks(topology, groups)).toBeLessThanOrEqual(10);
    const byFileOrder = [topology.nodes.slice(0, 100).map((n) => n.id), topology.nodes.slice(100).map((n) => n.id)];
    expect(crossLinks(topology, byFileOrder)).toBeGreaterThan(5 * crossLinks(topology, groups));
  });

  it("splits the dev tree between a root side and a subtree", () => {
    const topology = devTopology();
    const names = (ids: string[]) => ids.map((id) => topology.nodes.find((n) => n.id === id)!.name);
    const groups = partitionBySubtree(topology, 2).map(names);
    expect(groups.flat()).toHaveLength(7);
    expect(groups[0]).toContain("market");
  });
});
