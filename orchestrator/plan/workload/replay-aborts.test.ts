/**
 * The replayer's abort rules and failure paths against a fake market (named so: scripted answers make the cases
 * deterministic) and a fake IoT emulator, with a pinned clock: a refused SLA aborts the chain, the duration rule
 * aborts when reserving took more than half the reservation, a failed provisioning fails the chain before wiring,
 * and cancellation stops chains still waiting for their arrival.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { memoryEventSink } from "../../../runtime/events/writer.ts";
import type { Json } from "../../../runtime/testing/fixtures.ts";
import { waitUntil } from "../../../runtime/testing/wait.ts";
import type { Plan } from "./plan-schema.ts";
import type { Clock } from "./replay-effects.ts";
import { replayPlan, type ReplayOptions } from "./replay.ts";
import { echoChainPlan } from "./testing/echo-pipeline.ts";
import { acceptedBid, startFakeIotEmulator, startFakeServer, type FakeServer } from "./testing/fake-servers.ts";

const plan = echoChainPlan({ experimentDurationS: 60, seed: "replay-aborts" });
const chain = plan.chains[0]!;
const withDuration = (durationMs: number): Plan => ({ ...plan, chains: [{ ...chain, durationMs }] });

/** What the fake market does; reset before each test. */
let script: { putStatus: (n: number) => number; msPerPut: number; provisionStatus: (slaId: string) => number };
let fakeNow = 0;
const fakeClock: Clock = { now: () => fakeNow, sleep: () => Promise.resolve() };
let fakeMarket: FakeServer;
let fakeIot: FakeServer;

beforeAll(async () => {
  fakeIot = await startFakeIotEmulator("127.121.0.3");
  fakeMarket = await startFakeServer("127.121.0.2", (req) => {
    if (req.method === "GET" && req.path === "/api/fog") {
      return { status: 200, json: [{ id: chain.targetNodeId, ip: "127.121.0.9", tags: [], acceptedBids: {} }] };
    }
    if (req.method === "PUT" && req.path === "/api/function") {
      const n = fakeMarket.requests.filter((r) => r.method === "PUT").length;
      fakeNow += script.msPerPut;
      const status = script.putStatus(n);
      if (status !== 200) return { status, json: { error: { message: "No node could host the SLA." } } };
      // the fake market is also the fake gateway: wiring calls come back here
      return { status, json: acceptedBid(`sla-${n}`, `node-${n}`, fakeMarket.host, fakeMarket.port) };
    }
    if (req.method === "POST" && req.path.startsWith("/api/function/")) {
      return { status: script.provisionStatus(req.path.split("/").pop()!), json: {} };
    }
    if (req.method === "POST" && /^\/function\/fogfn-[\w-]+\/reconfigure$/.test(req.path))
      return { status: 200, json: {} };
    return { status: 404 };
  });
});
afterAll(async () => {
  await Promise.all([fakeMarket?.close(), fakeIot?.close()]);
});
beforeEach(() => {
  script = { putStatus: () => 200, msPerPut: 10, provisionStatus: () => 200 };
  fakeNow = 0;
  fakeMarket.requests.length = 0;
  fakeIot.requests.length = 0;
});

const options = (): ReplayOptions => ({ marketUrl: fakeMarket.url, iotUrl: fakeIot.url });
const calls = (method: string, prefix: string) =>
  fakeMarket.requests.filter((r) => r.method === method && r.path.startsWith(prefix));

describe("replayPlan against a fake market", () => {
  it("replays a chain end to end: targets follow the winners, wiring names the next function", async () => {
    const summary = await replayPlan(withDuration(1_000_000), options(), { clock: fakeClock });
    expect(summary).toMatchObject({ ok: 1, aborted: 0, failed: 0 });
    expect(calls("PUT", "/api/function").map((r) => (r.body as Json).targetNode)).toEqual([
      chain.targetNodeId,
      "node-1",
      "node-2",
    ]);
    expect(
      calls("POST", "/api/function/")
        .map((r) => r.path)
        .sort(),
    ).toEqual(["/api/function/sla-1", "/api/function/sla-2", "/api/function/sla-3"]);
    expect(calls("POST", "/function/").map((r) => [r.path, r.body])).toEqual([
      ["/function/fogfn-sla-1/reconfigure", { nextFunctionUrl: `${fakeMarket.url}/function/fogfn-sla-2` }],
      ["/function/fogfn-sla-2/reconfigure", { nextFunctionUrl: `${fakeMarket.url}/function/fogfn-sla-3` }],
    ]);
    expect(fakeIot.requests[0]!.body).toMatchObject({ firstNodeIp: "127.121.0.9", functionId: "sla-1" });
  });

  it("aborts the chain when an SLA is refused: nothing more is submitted, provisioned or started", async () => {
    script.putStatus = (n) => (n === 2 ? 503 : 200);
    const events = memoryEventSink({ run: "t", source: "replayer" });
    const summary = await replayPlan(withDuration(1_000_000), options(), { clock: fakeClock, events });
    expect(summary).toMatchObject({ chains: 1, ok: 0, aborted: 1, failed: 0 });
    expect(summary.outcomes[0]!.reason).toMatch(/function 1 \(second.*\) was refused: answered 503/);
    expect(calls("PUT", "/api/function")).toHaveLength(2);
    expect(calls("POST", "/")).toEqual([]);
    expect(fakeIot.requests).toEqual([]);
    const steps = events.events.map((e) => (e.kind === "replay_step" ? `${e.step}:${e.ok}` : e.kind));
    expect(steps).toEqual(["submit:true", "submit:false", "abort:false", "done:false"]);
    expect(summary.steps.submit).toEqual({ ok: 1, failed: 1 });
  });

  it("aborts when (time since the first reservation) × 2 exceeds the duration", async () => {
    script.msPerPut = 1000; // first reservation at 1000, last at 3000: 2000 ms spent
    const summary = await replayPlan(withDuration(3999), options(), { clock: fakeClock });
    expect(summary).toMatchObject({ ok: 0, aborted: 1 });
    expect(summary.outcomes[0]!.reason).toMatch(/no time to use the reservation: 2000 ms/);
    expect(calls("PUT", "/api/function")).toHaveLength(3);
    expect(calls("POST", "/")).toEqual([]);
    expect(fakeIot.requests).toEqual([]);
  });

  it("goes on when exactly half the duration was spent", async () => {
    script.msPerPut = 1000;
    const { coldStartOverheadMs: wait, stopOverheadMs: stop } = plan.params.laws;
    // half of it spent reserving, and the IoT window (what is left after the stop overhead) still positive
    const duration = 8 * (stop + wait);
    script.msPerPut = duration / 4;
    const summary = await replayPlan(withDuration(duration), options(), { clock: fakeClock });
    expect(summary).toMatchObject({ ok: 1, aborted: 0 });
  });

  it("ends the IoT window a stop overhead before the first reservation ends, counted from its payment", async () => {
    // three PUTs of 1000 ms each: the first reservation was asked for at 0, the IoT source starts at 3000
    script.msPerPut = 1000;
    const { coldStartOverheadMs: wait, stopOverheadMs: stop } = plan.params.laws;
    const reservation = stop + wait + 3000 + 10_000;
    await replayPlan(withDuration(reservation), options(), { clock: fakeClock });
    const body = fakeIot.requests[0]!.body as Json;
    expect(body["initialWaitMs"]).toBe(wait);
    // GIRAFF sent `reservation − stop` from the IoT start, i.e. 3000 ms + the initial wait past the window
    expect(body["durationMs"]).toBe(10_000);
    expect(body["durationMs"]).toBeLessThan(reservation - stop);
  });

  it("aborts instead of starting an IoT source with no time left before the stop overhead", async () => {
    script.msPerPut = 1000;
    const { coldStartOverheadMs: wait, stopOverheadMs: stop } = plan.params.laws;
    const summary = await replayPlan(withDuration(stop + wait + 3000), options(), { clock: fakeClock });
    expect(summary).toMatchObject({ ok: 0, aborted: 1 });
    expect(summary.outcomes[0]!.reason).toMatch(/no time left to send requests/);
    expect(fakeIot.requests).toEqual([]);
  });

  it("fails the chain when a provisioning fails, before any wiring", async () => {
    script.provisionStatus = (slaId) => (slaId === "sla-2" ? 500 : 200);
    const summary = await replayPlan(withDuration(1_000_000), options(), { clock: fakeClock });
    expect(summary).toMatchObject({ ok: 0, aborted: 0, failed: 1 });
    expect(summary.outcomes[0]!.reason).toMatch(/provisioning failed for functions 1/);
    expect(summary.steps.provision).toEqual({ ok: 2, failed: 1 });
    expect(calls("POST", "/function/")).toEqual([]);
    expect(fakeIot.requests).toEqual([]);
  });

  it("cancels chains still waiting for their arrival when the signal aborts", async () => {
    const controller = new AbortController();
    let sleeping = 0;
    const waitingClock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          sleeping++;
          signal?.addEventListener("abort", () => reject(signal.reason));
        }),
    };
    const twoChains: Plan = { ...plan, chains: plan.chains.slice(0, 2).map((c) => ({ ...c, arrivalS: 30 })) };
    const running = replayPlan(twoChains, { ...options(), signal: controller.signal }, { clock: waitingClock });
    await waitUntil("both chains to wait for their arrival", () => sleeping === 2);
    controller.abort();
    const summary = await running;
    expect(summary).toMatchObject({ chains: 2, ok: 0, cancelled: 2 });
    expect(calls("PUT", "/api/function")).toEqual([]);
  });

  it("refuses a bad timeScale or concurrency before calling anything", async () => {
    await expect(replayPlan(plan, { ...options(), timeScale: -1 })).rejects.toThrow(/`timeScale`/);
    await expect(replayPlan(plan, { ...options(), concurrency: 0 })).rejects.toThrow(/`concurrency`/);
    expect(fakeMarket.requests).toEqual([]);
  });
});
