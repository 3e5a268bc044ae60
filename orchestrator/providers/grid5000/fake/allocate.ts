/**
 * The fake's gantt, reduced to what tests need: every job holds claims on nodes and subnets over an interval, a
 * request fits at a time if enough usable nodes (alive, and allowed by the job's `properties`) and subnets are
 * unclaimed for its whole duration, and the earliest fitting start (within the job's day or night slot, if it has
 * one of those types) is what `scheduled_at` predicts and what a refused reservation "could run at".
 */
import { fqdn, siteSubnets, type FakeSite } from "./fixtures.ts";
import type { ResourceRequest } from "./oar-resources.ts";

export interface Claim {
  nodes: string[];
  subnets: string[];
  /** Unix seconds, [from, to). */
  from: number;
  to: number;
}

export interface Allocation {
  nodes: string[];
  subnets: string[];
}

/** Which nodes a job may get: the job's properties, minus dead nodes. */
export type Usable = (host: string, cluster: string) => boolean;
const ANY: Usable = () => true;

/** What a job asks the gantt for: its resources, for how long, among others' claims, on which nodes. */
export interface Ask {
  site: FakeSite;
  req: ResourceRequest;
  /** The other jobs' claims. */
  claims: readonly Claim[];
  /** Seconds. */
  duration: number;
  usable?: Usable | undefined;
}

/** Nodes and subnets for the ask over [from, from + duration), or undefined when they are not all free. */
export function allocate(ask: Ask, from: number): Allocation | undefined {
  const { site, req, claims, duration, usable = ANY } = ask;
  const overlapping = claims.filter((c) => c.from < from + duration && from < c.to);
  const busyNodes = new Set(overlapping.flatMap((c) => c.nodes));
  const busySubnets = new Set(overlapping.flatMap((c) => c.subnets));
  const nodes: string[] = [];
  for (const part of req.nodes) {
    const candidates = site.clusters
      .filter((c) => part.cluster === undefined || c.uid === part.cluster)
      .flatMap((c) =>
        Array.from({ length: c.nodes }, (_, i) => ({ host: fqdn(c.uid, i + 1, site.uid), cluster: c.uid })),
      )
      .filter((n) => part.hosts === undefined || part.hosts.includes(n.host))
      .filter((n) => usable(n.host, n.cluster))
      .map((n) => n.host);
    const free = candidates.filter((n) => !busyNodes.has(n) && !nodes.includes(n));
    if (free.length < part.count) return undefined;
    nodes.push(...free.slice(0, part.count));
  }
  const subnets = siteSubnets(site)
    .filter((s) => !busySubnets.has(s))
    .slice(0, req.slash22);
  if (subnets.length < req.slash22) return undefined;
  return { nodes, subnets };
}

/**
 * The earliest start at or after `from` when `req` fits; undefined if it never can. `slot` moves a candidate start
 * to the first one its day/night type allows.
 */
export function earliestStart(ask: Ask, from: number, slot: (t: number) => number = (t) => t): number | undefined {
  const ends = ask.claims.map((c) => c.to).filter((t) => t > from);
  const candidates = [from, ...ends].map(slot).sort((a, b) => a - b);
  return candidates.find((t) => allocate(ask, t) !== undefined);
}

/** True when the site has enough usable nodes and subnets for `req` with nothing else running. */
export function couldEverFit(site: FakeSite, req: ResourceRequest, usable: Usable = ANY): boolean {
  return allocate({ site, req, claims: [], duration: 1, usable }, 0) !== undefined;
}
