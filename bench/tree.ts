/**
 * BENCHMARK FIXTURE, not the topology generator: a small seeded generator of a GIRAFF-like tiered tree with
 * exactly `nodes` nodes, so the benchmarks can size networks freely. The real generator (GIRAFF's full
 * `testbed/definitions.py`, giraff.md §11.1) is another issue's work; this one only borrows its [HEAD] tiers:
 *
 *   level 0 root cloud ─1–3 ms─ level 1 cloud ─15–30 ms─ level 2 ─15–30 ms─ level 3 ─5–10 ms─ level 4 edge
 *
 * Fan-out is not drawn per parent as GIRAFF does; instead the node count of each level is fixed as a share of
 * `nodes` (edge-heavy, like a GIRAFF network) and children are spread over the level above, each parent getting
 * at least one while there are enough. As in GIRAFF [HEAD] (`keep_children(1)`), only the first level-1 cloud
 * node has children. Edge nodes are IoT-connected (the first sibling always, the others with probability 1/2);
 * when a tree is too small to have an edge level, its deepest level is IoT-connected instead.
 *
 * Loss is 0 on every link: the local testbed does not emulate loss, so a non-zero figure would only mislead.
 */
import type { Topology, TopologyNode } from "../runtime/protocol/topology.ts";
import { seededRandom } from "../runtime/util/seeded-random.ts";

export interface BenchTreeOptions {
  /** Total node count, root included (≥ 1). */
  nodes: number;
  seed?: string | number;
  /** Set every link's latency to 0 ms (the throughput benchmark). */
  zeroLatency?: boolean;
  /** Overrides every node's proposals-per-second cap (GIRAFF's ⌈reserved MiB / 100⌉ when absent). */
  maxInFlight?: number;
}

interface Tier {
  cores: number;
  memMiB: number;
  reservedCores: number;
  reservedMemMiB: number;
  /** One-way latency range of the link to the parent, ms. */
  latencyMs: [number, number];
  /** Link rate: `rateMinBps × randint(1, rateSteps)`. */
  rateMinBps: number;
  rateSteps: number;
  /** Cores and GiB a node of this tier may lose (GIRAFF's flavour randomisers). */
  minusCores: number[];
  minusGiB: number[];
}

// prettier-ignore
const TIERS: Tier[] = [
  { cores: 34, memMiB: 81920, reservedCores: 34, reservedMemMiB: 79872, latencyMs: [0, 0], rateMinBps: 1e9, rateSteps: 1, minusCores: [0], minusGiB: [0] },
  { cores: 34, memMiB: 81920, reservedCores: 34, reservedMemMiB: 79872, latencyMs: [1, 3], rateMinBps: 1e9, rateSteps: 1, minusCores: [0], minusGiB: [0] },
  { cores: 16, memMiB: 32768, reservedCores: 16, reservedMemMiB: 31744, latencyMs: [15, 30], rateMinBps: 500e6, rateSteps: 2, minusCores: [0], minusGiB: [0] },
  { cores: 8, memMiB: 16384, reservedCores: 8, reservedMemMiB: 15360, latencyMs: [15, 30], rateMinBps: 100e6, rateSteps: 10, minusCores: [0, 2], minusGiB: [0, 2] },
  { cores: 6, memMiB: 8192, reservedCores: 6, reservedMemMiB: 7168, latencyMs: [5, 10], rateMinBps: 10e6, rateSteps: 100, minusCores: [0, 2], minusGiB: [0, 2] },
];

/** Share of the non-root nodes at levels 1, 2 and 3; the rest are edge nodes. */
const SHARES = [0.01, 0.04, 0.18] as const;
const MAX_LEVEL1 = 4;

/** A seeded GIRAFF-like tree of exactly `opts.nodes` nodes, valid for `parseTopology`. */
export function benchTree(opts: BenchTreeOptions): Topology {
  const total = opts.nodes;
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`Expected a node count ≥ 1, got ${total}.`);
  const seed = opts.seed ?? 1;
  const random = seededRandom(`bench-tree/${seed}/${total}`);
  const randint = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const uniform = (lo: number, hi: number) => lo + random() * (hi - lo);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  const counts = levelCounts(total);
  const deepest = counts.length - 1;
  const nodes: TopologyNode[] = [];
  let counter = 0;
  const make = (level: number, parent: TopologyNode | null, firstSibling: boolean): TopologyNode => {
    const tier = TIERS[level]!;
    const minusCores = pick(tier.minusCores);
    const minusMiB = pick(tier.minusGiB) * 1024;
    // GIRAFF's pricing `level` is the tier: TIER_1 (root and cloud) 0, TIER_2 1, TIER_3 2, TIER_4 (edge) 3
    const tierLevel = Math.max(0, level - 1);
    const pricing = initialPricing(tierLevel, uniform);
    const iotConnected = level === deepest && level > 0 && (firstSibling || random() < 0.5);
    const node: TopologyNode = {
      id: `bench-${seed}-${counter}`,
      name: `${level}bench${counter}`,
      level,
      parent: parent?.id ?? null,
      flavor: {
        cores: tier.cores - minusCores,
        memMiB: tier.memMiB - minusMiB,
        reservedCores: tier.reservedCores - minusCores,
        reservedMemMiB: tier.reservedMemMiB - minusMiB,
      },
      link:
        parent === null
          ? null
          : {
              latencyMs: opts.zeroLatency ? 0 : randint(tier.latencyMs[0], tier.latencyMs[1]),
              rateBps: tier.rateMinBps * randint(1, tier.rateSteps),
              lossPct: 0,
            },
      iotConnected,
      isCloud: level <= 1,
      valuation: { ...pricing, ...quadraticParams(tierLevel, uniform) },
      ...(opts.maxInFlight === undefined ? {} : { maxInFlight: opts.maxInFlight }),
    };
    counter++;
    nodes.push(node);
    return node;
  };

  let previous = [make(0, null, true)];
  for (let level = 1; level < counts.length; level++) {
    // keep_children(1): only the first cloud node has a subtree
    const parents = level === 2 ? previous.slice(0, 1) : previous;
    const share = spread(counts[level]!, parents.length, random);
    const current: TopologyNode[] = [];
    parents.forEach((parent, p) => {
      for (let c = 0; c < share[p]!; c++) current.push(make(level, parent, c === 0));
    });
    previous = current;
  }
  return {
    name: `bench-tree-${total}`,
    description: `Benchmark fixture (bench/tree.ts): a GIRAFF-like ${total}-node tiered tree, seed ${seed}${opts.zeroLatency ? ", every link 0 ms" : ""}.`,
    seed,
    nodes,
  };
}

/** Nodes per level, root first; trailing empty levels dropped. Sums to `total`. */
function levelCounts(total: number): number[] {
  const rest = total - 1;
  const l1 = Math.min(rest, Math.max(1, Math.min(MAX_LEVEL1, Math.round(rest * SHARES[0]))));
  const l2 = Math.min(rest - l1, Math.max(1, Math.round(rest * SHARES[1])));
  const l3 = Math.min(rest - l1 - l2, Math.max(1, Math.round(rest * SHARES[2])));
  const l4 = rest - l1 - l2 - l3;
  const counts = [1, l1, l2, l3, l4];
  while (counts.length > 1 && counts[counts.length - 1] === 0) counts.pop();
  return counts;
}

/** `children` spread over `parents`: one each while they last, the remainder uniformly at random. */
function spread(children: number, parents: number, random: () => number): number[] {
  const share = Array.from({ length: parents }, (_, i) => (i < children ? 1 : 0));
  for (let left = children - Math.min(children, parents); left > 0; left--) share[Math.floor(random() * parents)]!++;
  return share;
}

/** giraff.md §11.1 by tier level: base = 0.2 / (4 − level), price uniform in [0.5·base, 1.5·base]; memory is a separate draw / 2. */
function initialPricing(level: number, uniform: (lo: number, hi: number) => number) {
  const location = 3 - level;
  const base = 0.2 / (location + 1);
  return { pricingCpuInitial: uniform(0.5 * base, 1.5 * base), pricingMemInitial: uniform(0.5 * base, 1.5 * base) / 2 };
}

/**
 * giraff.md §11.1 quadratic parameters by tier level; AA's lower bound is nudged above 0 so the valuation's
 * "all > 0" check holds for every draw.
 */
function quadraticParams(level: number, uniform: (lo: number, hi: number) => number) {
  if (level <= 1) return { ratioAA: 0.01, ratioBB: 0.1, electricityPrice: 0.9 };
  if (level === 2) return { ratioAA: uniform(0.001, 0.1), ratioBB: uniform(0.2, 0.4), electricityPrice: 0.95 };
  return { ratioAA: uniform(0.001, 0.3), ratioBB: uniform(0.3, 0.6), electricityPrice: 1 };
}
