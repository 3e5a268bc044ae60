/**
 * End to end on the local fog network: a three-function chain placed by the auction across nodes with different
 * link latencies, wired by the replayer, fed by the real IoT emulator through the entry proxy. Every request
 * traverses the chain, and the proxies' events give per-hop in-flight times (GIRAFF's rule, giraff.md §14.2) that
 * match the emulated latency between the nodes involved.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchFogNetwork, type FogNetwork } from "../../../runtime/launcher/launch.ts";
import type { EventOf } from "../../../runtime/protocol/events.ts";
import { pathBetween } from "../../../runtime/protocol/path-matrix.ts";
import { devTopology, getJson } from "../../../runtime/testing/fixtures.ts";
import { readRunEvents } from "../../../runtime/testing/run-events.ts";
import { waitUntil } from "../../../runtime/testing/wait.ts";
import { replayPlan } from "./replay.ts";
import { echoChainPlan } from "./testing/echo-pipeline.ts";

const topology = devTopology();
const runDir = mkdtempSync(join(tmpdir(), "giraff-chain-"));
let network: FogNetwork;

beforeAll(async () => {
  network = await launchFogNetwork(topology, { subnet: "127.122", runDir, run: "chain-e2e", logLevel: "error" });
});
afterAll(async () => {
  await network?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

interface IotJob {
  state: string;
  sent: number;
  ok: number;
  inFlight: number;
}

/** Tolerance on a hop's median in-flight time above the emulated one-way latency: HTTP and scheduling. */
const TOLERANCE_MS = 8;

describe("a function chain on the local fog network", () => {
  it("places, wires and feeds a chain whose per-hop in-flight times match the emulated links", async () => {
    const plan = echoChainPlan({
      topology,
      experimentDurationS: 1,
      seed: "chain-e2e",
      // reservations of 20 s, of which the IoT source sends for 20 − 15 = 5 s
      laws: { durationMultiplier: 1, coldStartOverheadMs: 0, stopOverheadMs: 15_000, minDurationMs: 20_000 },
    });
    const base = plan.chains.find((c) => c.targetNodeName === "node_34")!;
    // latency bounds that spread the chain: the first function near the edge, the second wherever is cheapest
    // within a wide budget, the third next to the second
    const bounds = [50, 200, 20];
    const chain = {
      ...base,
      requestIntervalMs: 100,
      functions: base.functions.map((f, i) => ({ ...f, latencyMaxMs: bounds[i]!, requestIntervalMs: 100 })),
    };
    const summary = await replayPlan(
      { ...plan, chains: [chain] },
      { marketUrl: network.marketUrl, iotUrl: network.iotUrl!, timeScale: 0 },
    );
    expect(summary.outcomes[0]!.reason, JSON.stringify(summary.outcomes[0])).toBeUndefined();
    expect(summary.ok).toBe(1);
    const hosts = summary.outcomes[0]!.placed.map((p) => p.nodeId);

    const job = await waitUntil(
      "the IoT job to finish",
      async () => {
        const { jobs } = (await getJson(`${network.iotUrl}/api/jobs`)) as { jobs: IotJob[] };
        return jobs.length === 1 && jobs[0]!.state !== "running" && jobs[0]!.inFlight === 0 && jobs[0];
      },
      { timeoutMs: 30_000 },
    );
    expect(job.sent).toBeGreaterThanOrEqual(10);
    expect(job.ok).toBe(job.sent);
    await network.stop();

    const hops = readRunEvents(runDir).filter((e): e is EventOf<"proxy_hop"> => e.kind === "proxy_hop");
    const byRequest = new Map<string, EventOf<"proxy_hop">[]>();
    for (const h of hops) byRequest.set(h.reqId, [...(byRequest.get(h.reqId) ?? []), h]);
    expect(byRequest.size).toBe(job.sent);
    // the expected one-way latency of each hop: entry proxy (node_34) → f1, f1 → f2, f2 → f3
    const path = [base.targetNodeId, ...hosts];
    const expected = hosts.map((h, i) => pathBetween(topology, path[i]!, h).latencyMs);
    expect(Math.max(...expected), `placements ${hosts.join(", ")}`).toBeGreaterThan(0);
    const inFlight: number[][] = [[], [], []];
    for (const events of byRequest.values()) {
      const entry = events.find((e) => e.firstHop)!;
      const fns = events.filter((e) => !e.firstHop).sort((a, b) => a.receivedAt - b.receivedAt);
      expect(fns.map((e) => e.serviceStatus)).toEqual([200, 200, 200]);
      fns.forEach((e, i) => inFlight[i]!.push(e.receivedAt - (i === 0 ? entry.receivedAt : fns[i - 1]!.respondedAt)));
    }
    for (const [i, samples] of inFlight.entries()) {
      const median = samples.sort((a, b) => a - b)[samples.length >> 1]!;
      expect(median, `hop ${i + 1}: expected ${expected[i]} ms`).toBeGreaterThanOrEqual(expected[i]! - 0.5);
      expect(median, `hop ${i + 1}: expected ${expected[i]} ms`).toBeLessThanOrEqual(expected[i]! + TOLERANCE_MS);
    }
  });
});
