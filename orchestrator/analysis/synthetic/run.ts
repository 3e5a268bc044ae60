/**
 * One synthetic run: a seeded tree of 10 × size nodes, chains of 1–3 functions, and for each function the events
 * a real run emits (SLA submitted, bid requests, bids, auction result, payment, provisioned, live, replay step),
 * then node resources and neighbour latencies, then requests through the placed chains (an entry hop and one hop
 * per function) until the run has about `eventsPerRun` events. The network and plan depend on the seed only, the
 * bids and placements also on the strategy, as when strategies replay the same plan on the same network.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LineWriter } from "./line-writer.ts";
import { seededRandom } from "../../../runtime/util/seeded-random.ts";

interface Node {
  id: string;
  level: number;
  parent: string | null;
  latencyMs: number;
}

function topology(nodes: number, rand: () => number): Node[] {
  const out: Node[] = [{ id: "n0", level: 0, parent: null, latencyMs: 0 }];
  for (let i = 1; i < nodes; i++) {
    const parent = out[Math.floor(rand() * Math.min(out.length, Math.max(1, i / 2)))]!;
    out.push({ id: `n${i}`, level: parent.level + 1, parent: parent.id, latencyMs: 2 + Math.floor(rand() * 28) });
  }
  return out;
}

export interface RunSpec {
  key: string;
  strategy: string;
  size: number;
  repetition: number;
}

/** Writes one run directory (manifest, topology, plan, events); answers the events written. */
export async function writeRun(runDir: string, spec: RunSpec, eventsPerRun: number, seed: number): Promise<number> {
  const rand = seededRandom(seed);
  const own = seededRandom(seed ^ (spec.strategy.length * 7919));
  const nodes = topology(10 * spec.size, rand);
  const chains = Array.from({ length: 4 + spec.size * 2 }, (_, c) => ({
    id: `c${c}`,
    target: nodes[1 + Math.floor(rand() * (nodes.length - 1))]!.id,
    functions: Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) => ({
      index: i,
      latencyMaxMs: [10, 50, 100, 200][Math.floor(rand() * 4)]!,
      name: `f${c}x${i}-i0-c100-m64-l${[10, 50, 100, 200][i % 4]}-a0-r1000-d60000`,
    })),
  }));
  mkdirSync(join(runDir, "events"), { recursive: true });
  writeFileSync(
    join(runDir, "topology.json"),
    JSON.stringify({
      name: `x${spec.size}-r${spec.repetition}`,
      nodes: nodes.map((n) => ({
        id: n.id,
        name: n.id,
        level: n.level,
        parent: n.parent,
        link: n.parent === null ? null : { latencyMs: n.latencyMs, rateBps: 1e9, lossPct: 0 },
        iotConnected: n.level >= 2,
        isCloud: n.level === 0,
        flavor: { cores: 4, memMiB: 8192, reservedCores: 1, reservedMemMiB: 1024 },
      })),
    }),
  );
  writeFileSync(
    join(runDir, "plan.json"),
    JSON.stringify({
      chains: chains.map((c, i) => ({
        id: c.id,
        pipeline: "p",
        targetNodeId: c.target,
        arrivalS: i,
        durationMs: 60000,
        functions: c.functions.map((f) => ({
          index: f.index,
          name: f.name,
          latencyMaxMs: f.latencyMaxMs,
          memoryMiB: 64,
          cpuMilli: 100,
          requestIntervalMs: 1000,
          replicas: 1,
        })),
      })),
    }),
  );
  const files = Object.fromEntries(
    ["market", "nodes", "replay", "iot"].map((f) => [f, new LineWriter(join(runDir, "events", `${f}.jsonl`))]),
  ) as Record<"market" | "nodes" | "replay" | "iot", LineWriter>;
  const base = (t: number, source: string) => ({ t, run: spec.key, source });
  const t0 = 1.7e12 + spec.repetition * 1e7;
  const placed: { slaId: string; node: Node; latencyMaxMs: number }[][] = [];
  for (const [c, chain] of chains.entries()) {
    const hops: { slaId: string; node: Node; latencyMaxMs: number }[] = [];
    for (const f of chain.functions) {
      const slaId = `s${c}-${f.index}`;
      const t = t0 + c * 1000 + f.index * 100;
      const latencyMaxMs = f.latencyMaxMs;
      await files.market.write({
        ...base(t, "market"),
        kind: "sla_submitted",
        slaId,
        functionName: f.name,
        targetNode: chain.target,
        memoryBytes: 64 * 2 ** 20,
        cpuMilli: 100,
        latencyMaxMs,
        durationMs: 60000,
        inputMaxSizeBytes: 1500,
        replicas: 1,
      });
      const bidders = nodes.filter(() => own() < 0.5).slice(0, 8);
      const bids = bidders.map((n, b) => ({ nodeId: n.id, bidId: `${slaId}-b${b}`, bid: 1 + own() * 10 }));
      for (const b of bids) {
        await files.nodes.write({
          ...base(t + 5, b.nodeId),
          kind: "bid_request_seen",
          slaId,
          nodeId: b.nodeId,
          from: chain.target,
          accumulatedMedianMs: 5,
          accumulatedUncertaintyMs: 1,
        });
        await files.nodes.write({
          ...base(t + 10, b.nodeId),
          kind: "bid",
          slaId,
          functionName: f.name,
          nodeId: b.nodeId,
          bidId: b.bidId,
          bid: b.bid,
          price: b.bid * 1.1,
          strategy: spec.strategy,
          valuation: "quadratic",
        });
      }
      const sorted = [...bids].sort((a, b) => a.bid - b.bid);
      const winner = sorted[0];
      const duration = 20 + own() * 80;
      await files.market.write({
        ...base(t + duration, "market"),
        kind: "auction_result",
        slaId,
        functionName: f.name,
        targetNode: chain.target,
        rule: "second-price",
        startedAt: t,
        durationMs: duration,
        outcome: winner === undefined ? "refused" : "awarded",
        ...(winner === undefined
          ? { reason: "no bid" }
          : {
              winner: winner.nodeId,
              winningBidId: winner.bidId,
              winningBid: winner.bid,
              price: (sorted[1] ?? winner).bid,
            }),
        bids: bids.map((b) => ({ ...b, verdict: "valid" })),
        refusals: [],
        paymentAttempts: winner === undefined ? [] : [{ nodeId: winner.nodeId, ok: true }],
      });
      await files.replay.write({
        ...base(t, "replay"),
        kind: "replay_step",
        chainId: chain.id,
        step: "submit",
        ok: winner !== undefined,
        durationMs: duration,
        functionIndex: f.index,
        ...(winner === undefined ? {} : { slaId }),
      });
      if (winner === undefined) continue;
      const node = nodes.find((n) => n.id === winner.nodeId)!;
      const common = { slaId, functionName: f.name, nodeId: node.id };
      await files.nodes.write({ ...base(t + duration + 1, node.id), kind: "payment", ...common, bidId: winner.bidId });
      await files.nodes.write({ ...base(t + duration + 2, node.id), kind: "provisioned", ...common, faasName: slaId });
      await files.nodes.write({ ...base(t + duration + 50, node.id), kind: "live", ...common, waitedMs: 48 });
      hops.push({ slaId, node, latencyMaxMs });
    }
    placed.push(hops);
  }
  for (const n of nodes) {
    await files.nodes.write({
      ...base(t0, n.id),
      kind: "resource_usage",
      nodeId: n.id,
      cpuUsedMilli: Math.floor(own() * 1000),
      cpuAvailableMilli: 4000,
      memoryUsedBytes: own() * 4e9,
      memoryAvailableBytes: 8e9,
    });
    if (n.parent !== null) {
      await files.nodes.write({
        ...base(t0, n.id),
        kind: "neighbor_latency",
        nodeId: n.id,
        neighborId: n.parent,
        rawMs: n.latencyMs,
        averageMs: n.latencyMs,
        medianMs: n.latencyMs,
        iqrMs: 0.5,
        rawPacketLoss: 0,
        packetLoss: 0,
      });
    }
  }
  // Requests through each placed chain (at least one each) until the run has its events: an entry hop, then one hop per function.
  const ready = placed.filter((h) => h.length > 0);
  const written = () => Object.values(files).reduce((s, f) => s + f.count, 0);
  for (let r = 0; r < ready.length || (ready.length > 0 && written() < eventsPerRun); r++) {
    const hops = ready[r % ready.length]!;
    const reqId = `req${r}`;
    let at = t0 + 100_000 + r * 10;
    await files.iot.write(hop(spec.key, "iot", reqId, hops[0]!.slaId, true, at, at + 50));
    for (const h of hops) {
      at += h.node.latencyMs * (0.5 + own());
      await files.iot.write(hop(spec.key, h.node.id, reqId, h.slaId, false, at, at + 5));
    }
  }
  await Promise.all(Object.values(files).map((f) => f.close()));
  const record = {
    runKey: spec.key,
    seq: 1,
    attempt: 1,
    final: true,
    startedAt: t0,
    endedAt: t0 + 300_000,
    exit: 0,
    params: { strategy: spec.strategy, size: spec.size, repetition: spec.repetition, variation: "base" },
  };
  writeFileSync(join(runDir, "manifest.json"), JSON.stringify({ version: 1, record, checksums: {} }));
  return written();
}

/** A proxy hop written field by field: an object spread here made generation 40× slower (V8). */
function hop(
  run: string,
  source: string,
  reqId: string,
  slaId: string,
  firstHop: boolean,
  receivedAt: number,
  respondedAt: number,
) {
  return {
    t: receivedAt,
    run,
    source,
    kind: "proxy_hop",
    reqId,
    slaId,
    tags: "<no-tags>",
    firstHop,
    receivedAt,
    respondedAt,
    serviceStatus: 200,
    status: 200,
  };
}
