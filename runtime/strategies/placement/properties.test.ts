/**
 * Invariants of the strategies on random trees, random links and random SLAs (STYLE principle 13). The expected
 * reachable set is computed independently of the strategy code, from `accumulate` and the latency model.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZERO_LATENCY } from "../../protocol/messages.ts";
import { accumulate } from "../accumulate.ts";
import { STRATEGIES } from "../index.ts";
import { LATENCY_MODELS } from "../latency-models.ts";
import { link, makeSla } from "../testing/fixtures.ts";
import { InMemoryNetwork, type FakeNode } from "../testing/in-memory-network.ts";
import { REASONS, type AccumulatedLatency, type PlacementStrategy, type Sla } from "../types.ts";

interface Scenario {
  nodes: FakeNode[];
  target: string;
  sla: Sla;
  model: "tcp" | "paper";
}

const linkArb = fc.record({
  known: fc.integer({ min: 0, max: 9 }).map((x) => x > 0), // 90 % of links have an estimate
  median: fc.integer({ min: 0, max: 40 }),
  iqr: fc.integer({ min: 0, max: 10 }),
  loss: fc.constantFrom(0, 0, 0.001, 0.05),
  bandwidth: fc.constantFrom(1e7, 1e8, 1e9),
});

const scenarioArb = (opts: { allKnown?: boolean; latencyMaxMs?: number } = {}): fc.Arbitrary<Scenario> =>
  fc
    .record({
      children: fc.array(fc.record({ parentPick: fc.nat(), link: linkArb, free: fc.boolean(), bid: fc.nat(10_000) }), {
        maxLength: 14,
      }),
      rootFree: fc.boolean(),
      targetPick: fc.nat(),
      latencyMaxMs: fc.integer({ min: 1, max: 600 }),
      size: fc.integer({ min: 1, max: 200_000 }),
      slaId: fc.stringMatching(/^[a-z0-9]{1,8}$/),
      model: fc.constantFrom("tcp" as const, "paper" as const),
    })
    .map((r) => {
      const nodes: FakeNode[] = [{ id: "n0", cpuFreeMilli: r.rootFree ? Infinity : 0, bid: 5000 }];
      r.children.forEach((c, i) => {
        const known = opts.allKnown === true || c.link.known;
        nodes.push({
          id: `n${i + 1}`,
          parent: `n${c.parentPick % (i + 1)}`,
          link: known ? link(c.link.median, { iqrMs: c.link.iqr, packetLoss: c.link.loss }) : undefined,
          bandwidthBps: c.link.bandwidth,
          cpuFreeMilli: c.free ? Infinity : 0,
          bid: c.bid,
        });
      });
      const sla = makeSla({
        id: r.slaId,
        latencyMaxMs: opts.latencyMaxMs ?? r.latencyMaxMs,
        inputMaxSizeBytes: r.size,
      });
      return { nodes, target: `n${r.targetPick % nodes.length}`, sla, model: r.model };
    });

async function run(s: Scenario, strategy: PlacementStrategy) {
  const net = new InMemoryNetwork(s.nodes, strategy, LATENCY_MODELS[s.model]);
  const answer = await net.submit(s.target, s.sla);
  return { net, answer };
}

/** Nodes the flood should reach, found by walking the tree from the target with the same rules. */
function expectedReach(s: Scenario): { reached: Set<string>; pruned: Set<string> } {
  const net = new InMemoryNetwork(s.nodes, STRATEGIES.auction);
  const reached = new Set([s.target]);
  const pruned = new Set<string>();
  const queue: [string, string, AccumulatedLatency][] = [[s.target, s.target, ZERO_LATENCY]];
  while (queue.length > 0) {
    const [id, from, acc] = queue.shift()!;
    for (const n of net.neighbours(id)) {
      if (n.id === from) continue;
      const next = n.latency === undefined ? undefined : accumulate(acc, n.latency, n.bandwidthBps);
      if (
        next === undefined ||
        LATENCY_MODELS[s.model].estimateMs(next, s.sla.inputMaxSizeBytes) > s.sla.latencyMaxMs
      ) {
        pruned.add(n.id);
      } else {
        reached.add(n.id);
        queue.push([n.id, id, next]);
      }
    }
  }
  return { reached, pruned };
}

function counts(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

describe("strategy properties on random trees", () => {
  it("every strategy handles a call for bids at most once per node", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.constantFrom(...Object.values(STRATEGIES)), async (s, strategy) => {
        const { net } = await run(s, strategy);
        for (const [, n] of counts(net.visited())) expect(n).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it("auction visits exactly the latency-feasible region and refuses exactly its frontier", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (s) => {
        const { net, answer } = await run(s, STRATEGIES.auction);
        const { reached, pruned } = expectedReach(s);
        expect(new Set(net.visited())).toEqual(reached);
        const latencyRefused = (answer.refusals ?? [])
          .filter((r) => r.reason === REASONS.latencyTooHigh || r.reason === REASONS.latencyUnknown)
          .map((r) => r.nodeId);
        expect(new Set(latencyRefused)).toEqual(pruned);
        expect(latencyRefused).toHaveLength(pruned.size);
      }),
      { numRuns: 300 },
    );
  });

  it("auction with all latencies known and feasible accounts for every node exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb({ allKnown: true, latencyMaxMs: 1e9 }), async (s) => {
        const { answer } = await run(s, STRATEGIES.auction);
        const seen = [...answer.bids.map((b) => b.nodeId), ...(answer.refusals ?? []).map((r) => r.nodeId)];
        expect([...seen].sort()).toEqual(s.nodes.map((n) => n.id).sort());
        for (const b of answer.bids) expect(s.nodes.find((n) => n.id === b.nodeId)?.cpuFreeMilli).toBe(Infinity);
      }),
      { numRuns: 200 },
    );
  });

  it("every strategy is deterministic: same inputs, same answer and same visits", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.constantFrom(...Object.values(STRATEGIES)), async (s, strategy) => {
        const a = await run(s, strategy);
        const b = await run(s, strategy);
        expect(b.answer).toEqual(a.answer);
        expect(b.net.visits).toEqual(a.net.visits);
      }),
      { numRuns: 200 },
    );
  });

  it("sequential and climbing strategies return at most one bid; max-cpu at most two", async () => {
    const single = [
      STRATEGIES["edge-first"],
      STRATEGIES["edge-furthest"],
      STRATEGIES["edge-ward"],
      STRATEGIES["cloud-only"],
    ];
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.constantFrom(...single), async (s, strategy) => {
        expect((await run(s, strategy)).answer.bids.length).toBeLessThanOrEqual(1);
        expect((await run(s, STRATEGIES["max-cpu"])).answer.bids.length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 200 },
    );
  });
});
