/**
 * GIRAFF's 7-node local dev topology (giraff.md §7.2), one-way latencies per link:
 *
 *   market ─2ms─ node_1 ─20ms─ node_2 ─10ms─ node_3
 *     │                          ├──6ms─ node_34 (100 Mb/s)
 *     └─4ms─ node_12             └──1ms─ node_35
 */
import { link } from "./fixtures.ts";
import type { FakeNode } from "./in-memory-network.ts";

export const DEV_TREE_IDS = ["market", "node_1", "node_12", "node_2", "node_3", "node_34", "node_35"] as const;
export type DevNodeId = (typeof DEV_TREE_IDS)[number];

/** The dev tree; `overrides` change individual nodes (bid value, free CPU, link). */
export function devTree(overrides: Partial<Record<DevNodeId, Partial<FakeNode>>> = {}): FakeNode[] {
  const base: FakeNode[] = [
    { id: "market" },
    { id: "node_1", parent: "market", link: link(2) },
    { id: "node_12", parent: "market", link: link(4) },
    { id: "node_2", parent: "node_1", link: link(20) },
    { id: "node_3", parent: "node_2", link: link(10) },
    { id: "node_34", parent: "node_2", link: link(6), bandwidthBps: 100e6 },
    { id: "node_35", parent: "node_2", link: link(1) },
  ];
  return base.map((n) => ({ ...n, ...overrides[n.id as DevNodeId] }));
}
