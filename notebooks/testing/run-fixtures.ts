/**
 * A run on one of GIRAFF's large networks for the run page's browser test: a 663-node topology drawn by the
 * repository's own generator (preset `current`, SIZE_MULTIPLIER 4, seed 683: 1 + 4 + 3 + 48 + 607 nodes per level),
 * with auctions, bids and proxy hops whose SLAs have real-looking ids (UUIDs) and the plan's encoded function names
 * (orchestrator/plan/workload/function-name.ts), so that labels are as long as in a real campaign. Two SLAs carry a
 * long name outside the plan's scheme, which the page must cut with a tooltip. Everything is derived from fixed
 * seeds, so the run is the same on every machine.
 */
import { createHash } from "node:crypto";
import { seededRandom } from "../../runtime/util/seeded-random.ts";
import { generateTopology } from "../../orchestrator/plan/topology/index.ts";
import { hop, writeRunWithTopology, type Line } from "../../orchestrator/analysis/testing/fixtures.ts";

export const LARGE_RUN = "runLarge";
export const LARGE_NODES = 663;

const FUNCTIONS = ["imagePreProcessing", "classif", "echo", "audioToText", "sentimentAnalysis"];
const ODD_NAME = "a-function-whose-name-follows-no-plan-convention-and-goes-on-for-a-long-while";

/** A UUID-shaped id from `seed` (hex of its SHA-1), like the runtime's SLA ids. */
function uuid(seed: string): string {
  const h = createHash("sha1").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Writes `<campaign>/runLarge/`: 48 SLAs in chains of three, one auction each (every seventh refused with no bid),
 * one to six bids per auction (the market receives all but the last when there are more than two), winners mostly
 * among a few edge nodes so that several nodes of one group get functions, and three requests per chain.
 */
export function writeLargeTopologyRun(campaign: string): void {
  const topology = generateTopology({ preset: "current", sizeMultiplier: 4, seed: 683 });
  if (topology.nodes.length !== LARGE_NODES) {
    throw new Error(`the generator drew ${topology.nodes.length} nodes, not ${LARGE_NODES}: its draws changed`);
  }
  const random = seededRandom(663);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const edge = topology.nodes.filter((n) => n.level === 4);
  const fog = topology.nodes.filter((n) => n.level === 3);
  // Functions land on few nodes, as GIRAFF's auctions favour cheap edge nodes: a pool of 12 edge and 4 fog nodes.
  const winners = [...edge.filter((_, i) => i % 50 === 0), ...fog.slice(0, 4), topology.nodes[0]!];
  const target = topology.nodes.find((n) => n.iotConnected) ?? edge[0]!;

  const market: Line[] = [];
  const bids: Line[] = [];
  const iot: Line[] = [];
  const slas: string[] = [];
  const refused = new Set<string>();
  for (let i = 0; i < 48; i++) {
    const slaId = uuid(`sla-${i}`);
    slas.push(slaId);
    const latency = 5 + Math.floor(random() * 300);
    const name =
      i === 10 || i === 30
        ? `${ODD_NAME}-${i}`
        : `${pick(FUNCTIONS)}20240801000000-i${i % 3}-c100-m120-l${latency}-a2-r8779-d10000`;
    const started = 1000 + i * 600 + Math.floor(random() * 200);
    const duration = 5 + Math.floor(random() * 90);
    market.push({
      t: started - 10,
      kind: "sla_submitted",
      slaId,
      functionName: name,
      targetNode: target.id,
      memoryBytes: 120 * 2 ** 20,
      cpuMilli: 100,
      latencyMaxMs: latency,
      durationMs: 10000,
      inputMaxSizeBytes: 1500,
      replicas: 1,
    });
    const base = { t: started + duration, kind: "auction_result", slaId, functionName: name, targetNode: target.id };
    const timing = { rule: "second-price", startedAt: started, durationMs: duration } as const;
    if (i % 7 === 3) {
      refused.add(slaId);
      market.push({
        ...base,
        ...timing,
        outcome: "refused",
        reason: "no bids",
        bids: [],
        refusals: [],
        paymentAttempts: [],
      } as Line);
      continue;
    }
    const winner = pick(winners);
    const bidders = [winner, ...Array.from({ length: Math.floor(random() * 6) }, () => pick(topology.nodes))];
    const offers = bidders.map((n, k) => ({
      nodeId: n.id,
      bidId: uuid(`bid-${i}-${k}`),
      bid: k === 0 ? 1 + i : 2 + i + k,
    }));
    // Nodes name the function in their bids as the market does (the analysis reads function names from both).
    for (const o of offers) {
      bids.push({
        t: started + 1,
        kind: "bid",
        slaId,
        functionName: name,
        nodeId: o.nodeId,
        bidId: o.bidId,
        bid: o.bid,
        price: o.bid * 0.9,
        strategy: "auction",
        valuation: "quadratic",
      });
    }
    const received = offers.length > 2 ? offers.slice(0, -1) : offers;
    market.push({
      ...base,
      ...timing,
      outcome: "awarded",
      winner: winner.id,
      winningBidId: offers[0]!.bidId,
      winningBid: offers[0]!.bid,
      price: received.length > 1 ? received[1]!.bid : offers[0]!.bid,
      bids: received.map((o) => ({ ...o, verdict: "valid" })),
      refusals: [],
      paymentAttempts: [{ nodeId: winner.id, ok: true }],
    } as Line);
  }
  // Three requests per chain of three SLAs whose auctions were all awarded (a refusal aborts the chain): the entry
  // hop, then one hop per function, some late or failed.
  for (let c = 0; c + 2 < slas.length; c += 3) {
    if (slas.slice(c, c + 3).some((s) => refused.has(s))) continue;
    for (let r = 0; r < 3; r++) {
      const req = uuid(`req-${c}-${r}`);
      let t = 40_000 + c * 1000 + r * 100;
      iot.push(hop(req, slas[c]!, true, t, t + 80));
      for (let k = 0; k < 3; k++) {
        const rx = t + 1 + random() * 60;
        iot.push(hop(req, slas[c + k]!, false, rx, rx + 5, random() < 0.1 ? 500 : 200));
        t = rx + 5;
      }
    }
  }
  const params = { strategy: { strategy: "auction", valuation: "quadratic", marketRule: "second-price" }, size: 4 };
  writeRunWithTopology(
    campaign,
    LARGE_RUN,
    { ...params, repetition: 1, variation: "base" },
    { market, "nodes-0": bids, iot },
    topology.nodes,
  );
}
