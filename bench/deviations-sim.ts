/**
 * A deterministic, in-process replay of a workload plan on a topology, through the runtime's own placement code:
 * the strategy (`runtime/strategies`) floods over the in-memory network with the real latency model and link
 * accumulation, each node answers with the real resource tracker, limiter and valuation (`deviations-nodes.ts`),
 * and the market's auction state machine (`runtime/market/auction.ts`) ranks, prices and pays. Only the HTTP shell
 * is simulated: time is a simulated clock, and every message is delivered at once.
 *
 *   plan chains ─► event queue (simulated ms) ─ auction(t): flood over InMemoryNetwork ─► startAuction/onBids
 *                     ▲                          pay(t + δ): onPayment down the ranking ─► expire(t + duration)
 *                     └──── next function of the chain, its auction starting at the previous winner ◄──┘
 *
 * Timing: chains start at their arrival; an auction's bids are all valued at its start t, and its payment lands
 * at t + δ, δ = 2 × (latency root → target + the deepest path latency from the target to a node the call reached):
 * the market's round trip to the target plus the flood's. Auctions that overlap in time see each other's bids
 * but not each other's payments, which is how a payment can be refused (bids reserve nothing, giraff.md §17.3).
 * A refused SLA aborts its chain, as the replayer does; the "half the reservation gone" abort never fires here.
 */
import {
  onBids,
  onPayment,
  startAuction,
  type AuctionRecord,
  type Step,
  type Verdict,
} from "../runtime/market/auction.ts";
import { MARKET_RULES, secondPrice, withoutFallback } from "../runtime/market/rules.ts";
import { slaRequestSchema, type Sla } from "../runtime/protocol/messages.ts";
import { pathBetween } from "../runtime/protocol/path-matrix.ts";
import type { Topology } from "../runtime/protocol/topology.ts";
import { parseWith } from "../runtime/protocol/validate.ts";
import { InMemoryNetwork, type FakeNode } from "../runtime/strategies/testing/in-memory-network.ts";
import { valuation as valuationByName } from "../runtime/strategies/index.ts";
import type { LatencyModel, PlacementStrategy, ValuationPlugin } from "../runtime/strategies/index.ts";
import type { PlanChain } from "../orchestrator/plan/workload/plan-schema.ts";
import { submitBody } from "../orchestrator/plan/workload/replay-wire.ts";
import { OUR_ACCOUNTING, SimNode, type AccountingOptions, type LimiterKind } from "./deviations-nodes.ts";

/** One configuration of the runtime: a strategy and the switches of the deviations. */
export interface Arm {
  name: string;
  strategy: PlacementStrategy;
  /** Used unless the strategy forces its own (mincpurandom, max-cpu: `cpu-utilisation`). */
  valuation: ValuationPlugin;
  /** Ours: a refused payment passes the SLA to the next candidate; GIRAFF: the SLA is refused (§17.2). */
  paymentFallback: boolean;
  accounting: AccountingOptions;
  /** Ours: a sliding one-second window; GIRAFF: even/odd-second counters that go stale. */
  limiter: LimiterKind;
  /**
   * Whether latency estimates carry the topology's link loss. Locally no loss is emulated (false). On Grid'5000
   * they would (true), and our accumulation compounds it while GIRAFF's stays 0 (§17.4), i.e. as false.
   */
  lossInEstimates: boolean;
}

export function arm(name: string, strategy: PlacementStrategy, overrides: Partial<Omit<Arm, "name">> = {}): Arm {
  return {
    name,
    strategy,
    valuation: valuationByName("quadratic"),
    paymentFallback: true,
    accounting: OUR_ACCOUNTING,
    limiter: "ours",
    lossInEstimates: false,
    ...overrides,
  };
}

/** What became of one SLA of the plan. */
export interface SlaOutcome {
  /** `<chain id>#<function index>`, also the SLA id (seeds, ties). */
  key: string;
  chainId: string;
  /** Undefined: never placed (refused, or its chain aborted earlier). */
  winner?: string | undefined;
  /** The winner's own price (its valuation): GIRAFF's analysis spending. */
  ownPrice?: number | undefined;
  /** What our market charged. */
  charged?: number | undefined;
  /** What GIRAFF's market would have charged for this award (second-lowest bid, or the winner's own bid with
   * `random`): for mincpurandom and max-cpu, a CPU utilisation in basis points. */
  giraffCharged?: number | undefined;
  /** Refused payment attempts in this auction. */
  refusedPayments: number;
  /** Why it was not placed: the market's reason, or `chain aborted`. */
  reason?: string | undefined;
  /** Nodes that bid. */
  bidders: number;
}

export interface SimResult {
  arm: string;
  slas: SlaOutcome[];
  /** Bids refused by the in-flight limiter, over all nodes. */
  rateLimited: number;
}

export interface SimInput {
  topology: Topology;
  /** The plan's chains (`Plan["chains"]`). */
  chains: readonly PlanChain[];
  latencyModel: LatencyModel;
}

interface Event {
  t: number;
  seq: number;
  run(): Promise<void> | void;
}

/** Replays the chains of a plan on `topology` under `arm`; deterministic for given inputs. */
export async function simulate(input: SimInput, armSpec: Arm): Promise<SimResult> {
  const { topology, chains } = input;
  let now = 0;
  const forced = armSpec.strategy.forcedValuation;
  const plugin = forced === undefined ? armSpec.valuation : valuationByName(forced);
  const nodes = new Map(
    topology.nodes.map((n) => [n.id, new SimNode(n, plugin, armSpec.accounting, () => now, armSpec.limiter)]),
  );
  const fakes: FakeNode[] = topology.nodes.map((n) => ({
    id: n.id,
    parent: n.parent ?? undefined,
    link: n.link === null ? undefined : estimate(n.link, armSpec.lossInEstimates),
    bandwidthBps: n.link?.rateBps ?? 1e9,
    selfBid: (request) => nodes.get(n.id)!.bid(request),
  }));
  const network = new InMemoryNetwork(fakes, armSpec.strategy, input.latencyModel);
  const base = MARKET_RULES[armSpec.strategy.marketRule];
  const rule = armSpec.paymentFallback ? base : withoutFallback(base);
  const rootId = topology.nodes.find((n) => n.parent === null)!.id;
  const latency = pathLatencies(topology);

  const queue: Event[] = [];
  let seq = 0;
  const schedule = (t: number, run: Event["run"]) => insert(queue, { t, seq: seq++, run });
  const outcomes = new Map<string, SlaOutcome>();

  const auction = async (chain: PlanChain, index: number, target: string) => {
    const sla = slaOf(chain, index, target);
    const first = network.visits.length;
    const extra =
      rule.nbPropositionsRequired === undefined ? {} : { nbPropositionsRequired: rule.nbPropositionsRequired };
    const answer = await network.submit(target, sla, extra);
    let deepest = 0;
    for (const v of network.visits.slice(first)) deepest = Math.max(deepest, latency(target, v.nodeId));
    const payAt = now + 2 * (latency(rootId, target) + deepest);
    const verdicts = { bids: answer.bids.map((): Verdict => "valid") };
    const startedAt = now;
    const pay = () => {
      let step: Step = onBids(startAuction(sla, target, rule, startedAt).state, answer, verdicts, now);
      while (step.effect.kind === "pay") {
        const decision = nodes.get(step.effect.nodeId)!.accept(sla, now);
        step = onPayment(step.state, decision.ok, now, decision.ok ? undefined : decision.reason);
      }
      if (step.effect.kind !== "done") throw new Error(`auction of ${sla.id} did not finish`);
      const record = step.effect.record;
      outcomes.set(sla.id, outcomeOf(chain, sla.id, record, rule.name));
      if (record.outcome !== "awarded") return abortRest(chain, index + 1);
      const winner = record.winner!;
      schedule(now + sla.durationMs, () => nodes.get(winner)!.expire(sla.id));
      if (index + 1 < chain.functions.length) schedule(now, () => auction(chain, index + 1, winner));
    };
    schedule(payAt, pay);
  };
  const abortRest = (chain: PlanChain, from: number) => {
    for (let i = from; i < chain.functions.length; i++) {
      const key = keyOf(chain, i);
      outcomes.set(key, { key, chainId: chain.id, refusedPayments: 0, reason: "chain aborted", bidders: 0 });
    }
  };

  for (const chain of chains) schedule(chain.arrivalS * 1000, () => auction(chain, 0, chain.targetNodeId));
  for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
    now = event.t;
    await event.run();
  }
  const slas = chains.flatMap((c) => c.functions.map((_, i) => outcomes.get(keyOf(c, i))!));
  let rateLimited = 0;
  for (const n of nodes.values()) rateLimited += n.rateLimited;
  return { arm: armSpec.name, slas, rateLimited };
}

function keyOf(chain: PlanChain, index: number): string {
  return `${chain.id}#${index}`;
}

/** The SLA the replayer would submit for function `index` of `chain`, with a deterministic id. */
export function slaOf(chain: PlanChain, index: number, target: string): Sla {
  const body = submitBody(chain, chain.functions[index]!, target, { marketHost: "market:30008", env: {} });
  return { ...parseWith(slaRequestSchema, body.sla, "sla"), id: keyOf(chain, index) };
}

function estimate(link: NonNullable<Topology["nodes"][number]["link"]>, withLoss: boolean) {
  const ms = link.latencyMs;
  return { medianMs: ms, averageMs: ms, iqrMs: 0, packetLoss: withLoss ? link.lossPct / 100 : 0 };
}

function outcomeOf(chain: PlanChain, key: string, record: AuctionRecord, ruleName: string): SlaOutcome {
  const refusedPayments = record.paymentAttempts.filter((p) => !p.ok).length;
  const common = { key, chainId: chain.id, refusedPayments, bidders: record.bids.length };
  if (record.outcome !== "awarded") return { ...common, reason: record.reason };
  const bids = record.bids.map((b) => ({ nodeId: b.nodeId, id: b.bidId, bid: b.bid }));
  const ranking = secondPrice.rank(bids, record.slaId);
  const winner = ranking.findIndex((b) => b.id === record.winningBidId);
  const own = record.bids.find((b) => b.bidId === record.winningBidId)!;
  // GIRAFF's market: default and mincpurandom builds charge the second-lowest bid, random its winner's own bid
  const giraffCharged = ruleName === "random" ? own.bid : secondPrice.price(ranking, winner);
  return { ...common, winner: record.winner, ownPrice: own.price ?? own.bid, charged: record.price, giraffCharged };
}

/** One-way path latency between two nodes, cached. */
function pathLatencies(topology: Topology): (a: string, b: string) => number {
  const cache = new Map<string, number>();
  return (a, b) => {
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let ms = cache.get(key);
    if (ms === undefined) cache.set(key, (ms = pathBetween(topology, a, b).latencyMs));
    return ms;
  };
}

/** Keeps `queue` ordered by time, then by scheduling order. */
function insert(queue: Event[], event: Event): void {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const q = queue[mid]!;
    if (q.t < event.t || (q.t === event.t && q.seq < event.seq)) lo = mid + 1;
    else hi = mid;
  }
  queue.splice(lo, 0, event);
}
