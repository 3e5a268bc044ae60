/** How the launcher spreads a topology's nodes over its worker processes. */
import { availableParallelism } from "node:os";
import type { Topology } from "../protocol/topology.ts";

/** Nodes one worker hosts before another is worth its HTTP between workers. */
const NODES_PER_WORKER = 250;

/**
 * Worker processes for `nodes` nodes: one per 250 nodes, at most one per core and 8. Nodes of one worker talk
 * in-process; more workers add parallelism but put HTTP on the links between them.
 */
export function defaultProcesses(nodes: number): number {
  return Math.max(1, Math.min(8, availableParallelism(), Math.ceil(nodes / NODES_PER_WORKER)));
}

/**
 * Splits the nodes into `count` groups of near-equal size, cutting the tree's depth-first order: each group is a
 * run of whole subtrees, so most links join two nodes of the same worker (delivered in-process) and only a few
 * cross workers over HTTP.
 */
export function partitionBySubtree(topology: Topology, count: number): string[][] {
  const children = new Map<string, string[]>();
  let root: string | undefined;
  for (const n of topology.nodes) {
    if (n.parent === null) root = n.id;
    else children.set(n.parent, [...(children.get(n.parent) ?? []), n.id]);
  }
  const order: string[] = [];
  const stack = root === undefined ? [] : [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    order.push(id);
    stack.push(...(children.get(id) ?? []).slice().reverse());
  }
  const partitions: string[][] = Array.from({ length: count }, () => []);
  order.forEach((id, i) => partitions[Math.floor((i * count) / order.length)]!.push(id));
  return partitions;
}
