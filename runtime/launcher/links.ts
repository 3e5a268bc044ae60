/**
 * Link emulation for the local testbed: the one-way delay and rate of the tree path between two nodes, applied
 * by the HTTP client to every request and response between them (this kernel has no netem). The market sits
 * next to the root, so its calls are not delayed.
 */
import type { LinkEmulation } from "../http/client.ts";
import { treePaths } from "../protocol/path-matrix.ts";
import type { Topology } from "../protocol/topology.ts";

export type LinkLookup = (fromId: string, toId: string) => LinkEmulation | undefined;

/** Memoised path metrics between node ids; "market" and unknown peers get no emulation. */
export function topologyLinks(topology: Topology, opts: { applyRate?: boolean } = {}): LinkLookup {
  const known = new Set(topology.nodes.map((n) => n.id));
  const cache = new Map<string, LinkEmulation>();
  const pathBetween = treePaths(topology);
  return (fromId, toId) => {
    if (!known.has(fromId) || !known.has(toId) || fromId === toId) return undefined;
    const key = fromId < toId ? `${fromId}|${toId}` : `${toId}|${fromId}`;
    let link = cache.get(key);
    if (link === undefined) {
      const path = pathBetween(fromId, toId);
      link = { delayMs: path.latencyMs, ...(opts.applyRate === false ? {} : { rateBps: path.rateBps }) };
      cache.set(key, link);
    }
    return link.delayMs === 0 && link.rateBps === undefined ? undefined : link;
  };
}
