/**
 * The replayer against a real local fog network (market, nodes and embedded gateways running functions/echo) and
 * a fake IoT emulator that records `PUT /api/cron` bodies: a three-function chain is submitted in order, each
 * auction starting at the previous winner, provisioned, wired, and its IoT source started.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryEventSink } from "../../../runtime/events/writer.ts";
import { request, type RequestOptions } from "../../../runtime/http/client.ts";
import { launchFogNetwork, type FogNetwork } from "../../../runtime/launcher/launch.ts";
import { metricEventSchema } from "../../../runtime/protocol/events.ts";
import { devTopology, getJson, type Json } from "../../../runtime/testing/fixtures.ts";
import { replayPlan } from "./replay.ts";
import { functionUrl } from "./replay-wire.ts";
import { echoChainPlan } from "./testing/echo-pipeline.ts";
import { startFakeIotEmulator, type FakeServer } from "./testing/fake-servers.ts";

const topology = devTopology();
let network: FogNetwork;
let fakeIot: FakeServer;

beforeAll(async () => {
  [network, fakeIot] = await Promise.all([
    launchFogNetwork(topology, { subnet: "127.120", faas: true, logLevel: "error", run: "replay-test" }),
    startFakeIotEmulator("127.121.0.1"),
  ]);
});
afterAll(async () => {
  await Promise.all([network?.stop(), fakeIot?.close()]);
});

describe("replayPlan on a real fog network", () => {
  it("submits in order from the previous winner, provisions, wires and starts the IoT source", async () => {
    const plan = echoChainPlan({
      topology,
      experimentDurationS: 5,
      seed: "replay-real",
      laws: { latencyClasses: { NO_LATENCY: 2000 }, minDurationMs: 90_000, stopOverheadMs: 5000 },
    });
    const chain = plan.chains.find((c) => c.targetNodeName === "node_35")!;
    const events = memoryEventSink({ run: "replay-test", source: "replayer" });
    const puts: { body: Json; answer: Json }[] = [];
    const http = async (url: string, opts: RequestOptions) => {
      const answer = await request(url, opts);
      if (opts.method === "PUT" && url.endsWith("/api/function")) puts.push({ body: opts.body, answer: answer.json() });
      return answer;
    };
    const startedAt = Date.now();
    const summary = await replayPlan(
      { ...plan, chains: [chain] },
      { marketUrl: network.marketUrl, iotUrl: fakeIot.url, timeScale: 0.001, env: { REPLAY_TEST_WHO: "vitest" } },
      { http, events },
    );
    const replayMs = Date.now() - startedAt;
    expect(summary.outcomes[0]!.reason).toBeUndefined();
    expect(summary).toMatchObject({ chains: 1, ok: 1, aborted: 0, failed: 0, cancelled: 0 });
    const placed = summary.outcomes[0]!.placed;
    expect(placed).toHaveLength(3);

    // submitted in order; each auction starts at the node chosen for the previous function
    expect(puts.map((p) => p.body.sla.functionLiveName)).toEqual(chain.functions.map((f) => f.name));
    expect(puts.map((p) => p.body.targetNode)).toEqual([chain.targetNodeId, placed[0]!.nodeId, placed[1]!.nodeId]);
    expect(puts.map((p) => p.answer.chosen.bid.nodeId)).toEqual(placed.map((p) => p.nodeId));
    const sla = puts[1]!.body.sla;
    expect(sla).toMatchObject({
      memory: "20 MB",
      cpu: "10 millicpu",
      latencyMax: `${chain.functions[1]!.latencyMaxMs} ms`,
      duration: `${chain.durationMs} ms`,
      replicas: 1,
      functionImage: "giraff:fn_echo",
      dataFlow: [{ from: { dataSource: placed[0]!.nodeId }, to: "thisFunction" }],
      inputMaxSize: "1500 B",
    });
    expect(sla.envVars).toEqual([
      ["SEED", chain.functions[1]!.envVars[0]![1]],
      ["WHO", "vitest"],
      ["MARKET_URL", new URL(network.marketUrl).host],
    ]);

    // provisioned and wired: each function announces the next one
    const redirects = await Promise.all(
      placed.map(async (p) => {
        const answer = await request(functionUrl(p), { method: "POST", body: "hello", timeoutMs: 10_000 });
        expect(answer.status).toBe(200);
        return answer.headers["giraff-redirect"];
      }),
    );
    expect(redirects).toEqual([functionUrl(placed[1]!), functionUrl(placed[2]!), undefined]);

    // the IoT source
    const fog: Json[] = await getJson(`${network.marketUrl}/api/fog`);
    expect(fakeIot.requests.map((r) => [r.method, r.path])).toEqual([["PUT", "/api/cron"]]);
    // the window ends the stop overhead (5 s) before the first reservation ends, so the time spent placing and
    // wiring (at most the whole replay) comes off it
    const wait = plan.params.laws.coldStartOverheadMs;
    const window = (fakeIot.requests[0]!.body as Json)["durationMs"] as number;
    expect(window).toBeLessThanOrEqual(chain.durationMs - 5000 - wait);
    expect(window).toBeGreaterThanOrEqual(chain.durationMs - 5000 - wait - replayMs);
    expect(fakeIot.requests[0]!.body).toEqual({
      functionId: placed[0]!.slaId,
      iotUrl: `${fakeIot.url}/api/print`,
      nodeUrl: functionUrl(placed[0]!),
      tags: chain.functions[0]!.name,
      initialWaitMs: plan.params.laws.coldStartOverheadMs,
      intervalMs: chain.requestIntervalMs,
      durationMs: window,
      firstNodeIp: fog.find((n) => n.id === chain.targetNodeId).ip,
      content: "ping",
    });

    // one valid replay_step event per step
    for (const e of events.events) expect(metricEventSchema.safeParse(e).success).toBe(true);
    const steps = events.events.map((e) =>
      e.kind === "replay_step" ? `${e.step}${e.functionIndex ?? ""}:${e.ok}` : e.kind,
    );
    expect(steps.slice(0, 3)).toEqual(["submit0:true", "submit1:true", "submit2:true"]);
    expect([...steps.slice(3, 6)].sort()).toEqual(["provision0:true", "provision1:true", "provision2:true"]);
    expect(steps.slice(6)).toEqual(["wire0:true", "wire1:true", "start-iot:true", "done:true"]);
    expect(summary.steps).toEqual({
      submit: { ok: 3, failed: 0 },
      provision: { ok: 3, failed: 0 },
      wire: { ok: 2, failed: 0 },
      "start-iot": { ok: 1, failed: 0 },
      abort: { ok: 0, failed: 0 },
      done: { ok: 1, failed: 0 },
    });
  });
});
