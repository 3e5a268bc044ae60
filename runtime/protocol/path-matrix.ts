/**
 * The path metrics of a topology, the one implementation for the runtime (the local testbed's link emulation) and
 * the orchestrator (network emulation, analysis): between two nodes, delay is the sum of the one-way link latencies
 * along the tree path, rate the narrowest link, loss the links' losses combined (GIRAFF's `gen_net`, giraff.md
 * §11.1). Loss is in **percent** everywhere, as the topology file's `link.lossPct`, netem's `loss X%` and GIRAFF's
 * whole-percent combination are: no conversion at any edge, one name (`lossPct`) for one unit.
 *
 * `pathMatrix` gives every ordered pair, which network emulation installs as a full mesh; the IoT emulator is one
 * more vertex, linked to every IoT-connected node with latency 0, 1 Gb/s and no loss; it is an endpoint only, never
 * a shortcut between nodes (GIRAFF adds those links in the IoT emulator's direction alone, so no node-to-node path
 * can cross it). The matrix fills rows with a walk: the tree has one path per pair, so a walk from a node gives its
 * row in O(n), and the matrix in O(n²). `treePaths` answers single pairs in O(depth) (`pathBetween` for one). The IoT rows take the nearest IoT-connected
 * node by latency (ties: the first in topology order).
 */
import { ConfigError } from "./errors.ts";
import type { Topology } from "./topology.ts";

/** The IoT emulator's vertex in the matrix (GIRAFF's VM name). */
export const IOT_SOURCE_ID = "iot_emulation";
const IOT_LINK = { latencyMs: 0, rateBps: 1e9, lossPct: 0 } as const;

/**
 * How per-link losses combine along a path. `probabilistic` (the default): a packet crosses every link
 * independently, so loss = 1 − Π(1 − pᵢ). `giraff`: GIRAFF's `l ← l + l_link − ⌊l_link·l / 100⌋` in whole
 * percents, which rounds the product term down and so overstates the loss; kept to replay GIRAFF's figures.
 */
export type LossModel = "probabilistic" | "giraff";

export interface PathEntry {
  /** One-way delay, ms (0 from a vertex to itself). */
  latencyMs: number;
  /** Bottleneck rate, bit/s (Infinity from a vertex to itself: no link constrains it). */
  rateBps: number;
  /** Combined loss, percent. */
  lossPct: number;
}

/** Loss after adding a link of `linkPct` to a path of `pathPct`, both in percent: 1 − (1 − p)(1 − q). */
export function combineLossProbabilistic(pathPct: number, linkPct: number): number {
  return 100 * (1 - (1 - pathPct / 100) * (1 - linkPct / 100));
}

/** GIRAFF's composition `l + l_link − ⌊l_link·l / 100⌋`; a result outside [0, 100) is an error, as in GIRAFF. */
export function combineLossGiraff(pathPct: number, linkPct: number): number {
  const l = pathPct + linkPct - Math.floor((linkPct * pathPct) / 100);
  if (!(l >= 0 && l < 100)) {
    throw new RangeError(`GIRAFF's loss combination of ${pathPct} % and ${linkPct} % gives ${l} %, outside [0, 100).`);
  }
  return l;
}

const COMBINE: Record<LossModel, (pathPct: number, linkPct: number) => number> = {
  probabilistic: combineLossProbabilistic,
  giraff: combineLossGiraff,
};

/** Row-major n×n arrays over `ids` (the topology's node ids in order, then {@link IOT_SOURCE_ID} if any). */
export class PathMatrix {
  readonly index: ReadonlyMap<string, number>;
  constructor(
    readonly ids: readonly string[],
    readonly lossModel: LossModel,
    readonly latencyMs: Float64Array,
    readonly rateBps: Float64Array,
    readonly lossPct: Float64Array,
  ) {
    this.index = new Map(ids.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.ids.length;
  }

  /** The constraints from `from` to `to`; an unknown id is an error naming it. */
  get(from: string, to: string): PathEntry {
    const k = this.at(from) * this.ids.length + this.at(to);
    return { latencyMs: this.latencyMs[k]!, rateBps: this.rateBps[k]!, lossPct: this.lossPct[k]! };
  }

  /** Every ordered pair of distinct vertices, row by row. */
  *pairs(): Generator<PathEntry & { from: string; to: string }> {
    const n = this.ids.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const k = i * n + j;
        yield {
          from: this.ids[i]!,
          to: this.ids[j]!,
          latencyMs: this.latencyMs[k]!,
          rateBps: this.rateBps[k]!,
          lossPct: this.lossPct[k]!,
        };
      }
    }
  }

  private at(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new RangeError(`No vertex ${JSON.stringify(id)} in this path matrix.`);
    return i;
  }
}

/** The pairwise constraints of `topology`; `loss` picks the loss model (default `probabilistic`). */
export function pathMatrix(topology: Topology, opts: { loss?: LossModel } = {}): PathMatrix {
  const lossModel = opts.loss ?? "probabilistic";
  const walk = treeWalk(topology, lossModel);
  const n = topology.nodes.length;
  const iot = topology.nodes.flatMap((node, i) => (node.iotConnected ? [i] : []));
  const size = iot.length > 0 ? n + 1 : n;
  const latency = new Float64Array(size * size);
  const rate = new Float64Array(size * size);
  const loss = new Float64Array(size * size);
  for (let s = 0; s < n; s++) walk(s, s * size, latency, rate, loss);
  if (iot.length > 0) addIotSource(n, size, iot, latency, rate, loss);
  const ids = topology.nodes.map((node) => node.id);
  if (iot.length > 0) ids.push(IOT_SOURCE_ID);
  return new PathMatrix(ids, lossModel, latency, rate, loss);
}

/** The constraints from node `from` to node `to` alone; an unknown id is an error naming it. */
export function pathBetween(topology: Topology, from: string, to: string, opts: { loss?: LossModel } = {}): PathEntry {
  return treePaths(topology, opts)(from, to);
}

/** The path between two nodes by id; see {@link treePaths}. */
export type PathLookup = (from: string, to: string) => PathEntry;

/**
 * Paths between any two nodes in O(depth) each, after an O(n) pass over the topology: both ends climb to their
 * lowest common ancestor. For callers that look up many pairs of a large tree (the local testbed's link emulation
 * at 10,000 nodes), where a walk per pair (O(n)) would cost seconds. Links are combined in path order, from `from`
 * up to the ancestor and down to `to`, as the row walk does, so GIRAFF's order-sensitive loss model agrees too.
 */
export function treePaths(topology: Topology, opts: { loss?: LossModel } = {}): PathLookup {
  const combine = COMBINE[opts.loss ?? "probabilistic"];
  const nodes = topology.nodes;
  const indexOf = new Map(nodes.map((node, i) => [node.id, i]));
  const parent = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((node, i) => {
    if (node.parent !== null) parent[i] = indexOf.get(node.parent)!;
  });
  // depth by memoised climbs: topology order need not put parents first
  const depth = new Int32Array(nodes.length).fill(-1);
  const depthOf = (i: number): number => {
    const chain: number[] = [];
    let u = i;
    while (depth[u]! < 0 && parent[u]! >= 0) {
      chain.push(u);
      u = parent[u]!;
    }
    if (depth[u]! < 0) depth[u] = 0;
    for (let k = chain.length - 1; k >= 0; k--) depth[chain[k]!] = depth[parent[chain[k]!]!]! + 1;
    return depth[i]!;
  };
  nodes.forEach((_, i) => depthOf(i));
  const at = (id: string) => {
    const i = indexOf.get(id);
    if (i === undefined) throw new RangeError(`No node ${JSON.stringify(id)} in the topology ${topology.name}.`);
    return i;
  };
  return (from, to) => {
    const s = at(from);
    const t = at(to);
    // the links crossed going up from s, and those crossed going up from t (to be walked down, in reverse)
    const up: number[] = [];
    const down: number[] = [];
    let [a, b] = [s, t];
    for (; depth[a]! > depth[b]!; a = parent[a]!) up.push(a);
    for (; depth[b]! > depth[a]!; b = parent[b]!) down.push(b);
    while (a !== b) {
      up.push(a);
      down.push(b);
      a = parent[a]!;
      b = parent[b]!;
    }
    let latencyMs = 0;
    let rateBps = Infinity;
    let lossPct = 0;
    const cross = (child: number, next: number) => {
      const link = nodes[child]!.link!;
      latencyMs += link.latencyMs;
      rateBps = Math.min(rateBps, link.rateBps);
      try {
        lossPct = combine(lossPct, link.lossPct);
      } catch (cause) {
        throw new ConfigError(
          "lossPct",
          `On the path from ${nodes[s]!.name} to ${nodes[next]!.name}: ${(cause as Error).message}`,
          { cause },
        );
      }
    };
    for (const child of up) cross(child, parent[child]!);
    for (let k = down.length - 1; k >= 0; k--) cross(down[k]!, down[k]!);
    return { latencyMs, rateBps, lossPct };
  };
}

type RowWalk = (source: number, row: number, latency: Float64Array, rate: Float64Array, loss: Float64Array) => void;

/**
 * A walk over the tree from one node, writing the path to node v at `row + v` of the three arrays. The tree is
 * held as an undirected adjacency list where each edge carries the link of its child end.
 */
function treeWalk(topology: Topology, lossModel: LossModel): RowWalk {
  const combine = COMBINE[lossModel];
  const nodes = topology.nodes;
  const n = nodes.length;
  const indexOf = new Map(nodes.map((node, i) => [node.id, i]));
  const neighbours: { to: number; link: number }[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    if (node.parent === null) return;
    const p = indexOf.get(node.parent)!;
    neighbours[i]!.push({ to: p, link: i });
    neighbours[p]!.push({ to: i, link: i });
  });
  const stack = new Int32Array(n);
  const from = new Int32Array(n);
  return (s, row, latency, rate, loss) => {
    latency[row + s] = 0;
    rate[row + s] = Infinity;
    loss[row + s] = 0;
    let top = 0;
    stack[top] = s;
    from[top++] = -1;
    while (top > 0) {
      const u = stack[--top]!;
      const cameFrom = from[top]!;
      for (const { to: v, link } of neighbours[u]!) {
        if (v === cameFrom) continue;
        const l = nodes[link]!.link!;
        latency[row + v] = latency[row + u]! + l.latencyMs;
        rate[row + v] = Math.min(rate[row + u]!, l.rateBps);
        try {
          loss[row + v] = combine(loss[row + u]!, l.lossPct);
        } catch (cause) {
          throw new ConfigError(
            "lossPct",
            `On the path from ${nodes[s]!.name} to ${nodes[v]!.name}: ${(cause as Error).message}`,
            { cause },
          );
        }
        stack[top] = v;
        from[top++] = u;
      }
    }
  };
}

/** Fills row and column `n` (the IoT emulator) from the nearest IoT-connected node of each vertex. */
function addIotSource(
  n: number,
  size: number,
  iot: number[],
  latency: Float64Array,
  rate: Float64Array,
  loss: Float64Array,
) {
  const set = (k: number, via: number) => {
    latency[k] = latency[via]! + IOT_LINK.latencyMs;
    rate[k] = Math.min(rate[via]!, IOT_LINK.rateBps);
    // Combining with a 0 % link leaves either model's loss unchanged.
    loss[k] = loss[via]!;
  };
  for (let x = 0; x < n; x++) {
    let out = iot[0]!; // IoT → x enters the tree at c and walks c → x
    let back = iot[0]!; // x → IoT walks x → c
    for (const c of iot) {
      if (latency[c * size + x]! < latency[out * size + x]!) out = c;
      if (latency[x * size + c]! < latency[x * size + back]!) back = c;
    }
    set(n * size + x, out * size + x);
    set(x * size + n, x * size + back);
  }
  latency[n * size + n] = 0;
  rate[n * size + n] = Infinity;
  loss[n * size + n] = 0;
}
