/**
 * Hand-made topologies for the tests: `tree([["a", null], ["b", "a", {latencyMs: 5}]])` gives a valid Topology
 * whose node ids are the names, with small default flavours and links.
 */
import { parseTopology, type Topology, type TopologyNode } from "../protocol/topology.ts";

export type NodeSpec = [
  name: string,
  parent: string | null,
  opts?: Partial<NonNullable<TopologyNode["link"]>> & Partial<TopologyNode["flavor"]> & { iot?: boolean },
];

export function tree(specs: NodeSpec[]): Topology {
  return parseTopology({
    name: "hand-made",
    nodes: specs.map(([name, parent, o = {}]) => ({
      id: name,
      name,
      level: 0,
      parent,
      flavor: {
        cores: o.cores ?? 2,
        memMiB: o.memMiB ?? 2048,
        reservedCores: o.reservedCores ?? o.cores ?? 2,
        reservedMemMiB: o.reservedMemMiB ?? o.memMiB ?? 2048,
      },
      link:
        parent === null ? null : { latencyMs: o.latencyMs ?? 1, rateBps: o.rateBps ?? 1e9, lossPct: o.lossPct ?? 0 },
      iotConnected: o.iot ?? false,
    })),
  });
}
