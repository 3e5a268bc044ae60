// Dense mode of the embedded gateway with real processes on loopback: many instances per host process, each with
// its own environment object, limits and CPU account, behind the unchanged OpenFaaS API.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { waitUntil } from "../testing/wait.ts";
import { isAlive } from "../util/is-alive.ts";
import { FUNCTION_PATH } from "./function-box.ts";
import { FunctionHostPool } from "./function-host-pool.ts";
import type { GatewayFunctionStatus } from "./function-registry.ts";
import { startGateway, type RunningGateway } from "./gateway.ts";
import { functionName, giraffDeployment } from "./giraff-deployment.ts";
import { OpenFaasClient } from "./openfaas-client.ts";
import { startFunction } from "../../functions/lib/testing/function-process.ts";

const FUNCTIONS_DIR = fileURLToPath(new URL("../../functions", import.meta.url));
const FIXTURES_DIR = fileURLToPath(new URL("./fixtures/functions", import.meta.url));
const LIVE = { timeoutMs: 45_000, probeTimeoutMs: 5_000 };
const HTTP = { timeoutMs: 30_000 };

function deployment(slaId: string, image: string, envVars: Record<string, string> = {}, milliCpu = 1000) {
  return giraffDeployment({ slaId, image, memoryBytes: 100e6, milliCpu, replicas: 1, envVars });
}

function status(gateway: RunningGateway, name: string): GatewayFunctionStatus {
  const found = gateway.list().find((f) => f.name === name);
  if (found === undefined) throw new Error(`${name} is not listed`);
  return found;
}

function post(gateway: RunningGateway, name: string, path: string, body?: unknown) {
  return request(`${gateway.url}/function/${name}${path}`, { method: "POST", body, ...HTTP });
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
}

describe("dense mode", () => {
  let pool: FunctionHostPool;
  let functions: RunningGateway;
  let fixtures: RunningGateway;
  let fnClient: OpenFaasClient;
  let fixtureClient: OpenFaasClient;
  beforeAll(async () => {
    pool = new FunctionHostPool({ hostEnv: { HOST_ONLY: "the host's own" }, stopGraceMs: 3_000 });
    // two gateways of one worker share the pool, as host-nodes.ts arranges
    const common = { host: "127.0.0.1", port: 0, functionMode: "dense", functionHosts: pool, stopGraceMs: 3_000 };
    functions = await startGateway({ ...common, functionsDir: FUNCTIONS_DIR, functionMode: "dense" });
    fixtures = await startGateway({ ...common, functionsDir: FIXTURES_DIR, functionMode: "dense" });
    fnClient = new OpenFaasClient({ baseUrl: functions.url, auth: functions.auth });
    fixtureClient = new OpenFaasClient({ baseUrl: fixtures.url, auth: fixtures.auth });
  });
  // a failed test leaves nothing deployed for the next one (the memory test counts instances)
  afterEach(async () => {
    await Promise.all(functions.list().map((f) => fnClient.delete(f.name)));
    await Promise.all(fixtures.list().map((f) => fixtureClient.delete(f.name)));
  });
  afterAll(async () => {
    await functions.close();
    await fixtures.close();
    await pool.close();
  });

  it("runs instances of busy-spin with different envVars in one host process", async () => {
    const ids = ["a1", "a2", "a3", "a4"];
    await Promise.all(
      ids.map((id) => fnClient.deploy(deployment(id, "giraff:fn_busy-spin", { REPLY_TEXT: `t-${id}` }))),
    );
    await Promise.all(ids.map((id) => fnClient.waitUntilLive(functionName(id), LIVE)));
    for (const id of ids) {
      const answer = await post(functions, functionName(id), "/", { executionMs: 1 });
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ source: "request", text: `t-${id}` });
    }
    const pids = new Set(ids.map((id) => status(functions, functionName(id)).process.pid));
    expect(pids.size).toBe(1);
    const host = pool.hosts().find((h) => h.folder === "busy-spin")!;
    expect([...pids]).toEqual([host.pid]);
    expect(status(functions, functionName("a1")).process).toMatchObject({
      status: "ready",
      instance: { image: "busy-spin", milliCpu: 1000, memory: "100M" },
    });
    await Promise.all(ids.map((id) => fnClient.delete(functionName(id))));
  });

  it("gives each instance its own environment object, never the host's process.env", async () => {
    await fixtureClient.deploy(deployment("e1", "env-dump", { COLOUR: "red" }));
    await fixtureClient.deploy(deployment("e2", "env-dump", { COLOUR: "blue" }));
    await fixtureClient.waitUntilLive(functionName("e1"), LIVE);
    await fixtureClient.waitUntilLive(functionName("e2"), LIVE);
    const [one, two] = await Promise.all(
      ["e1", "e2"].map(async (id) => {
        const dump = (await post(fixtures, functionName(id), "/")).json() as {
          env: Record<string, string>;
          pid: number;
        };
        return dump;
      }),
    );
    expect(one!.pid).toBe(two!.pid);
    expect(one!.env).toMatchObject({ COLOUR: "red", PATH: FUNCTION_PATH, PORT: "0", HOST: "127.0.0.1" });
    expect(two!.env).toMatchObject({ COLOUR: "blue" });
    // the host's own variables (and its HOME) stay out of the instances' environments
    expect(one!.env).not.toHaveProperty("HOST_ONLY");
    expect(one!.env["HOME"]).toMatch(/giraff-fn-fogfn-e1-/);
    expect(two!.env["HOME"]).toMatch(/giraff-fn-fogfn-e2-/);
    expect(Object.keys(one!.env).sort()).toEqual(["COLOUR", "HOME", "HOST", "PATH", "PORT", "TMPDIR"]);
    await fixtureClient.delete(functionName("e1"));
    await fixtureClient.delete(functionName("e2"));
  });

  it("holds an instance's burn to its CPU limit and accounts CPU per instance", async () => {
    await fnClient.deploy(deployment("c1", "busy-spin", {}, 200));
    await fnClient.deploy(deployment("c2", "busy-spin", {}, 2000));
    await fnClient.waitUntilLive(functionName("c1"), LIVE);
    await fnClient.waitUntilLive(functionName("c2"), LIVE);
    const [limited, free] = await Promise.all([
      post(functions, functionName("c1"), "/", { executionMs: 300 }),
      post(functions, functionName("c2"), "/", { executionMs: 100 }),
    ]);
    const slow = limited.json() as { actualMs: number; busyMs: number };
    // 300 ms of CPU at 200 millicores: at least (300 − one period's 20 ms quota − the last slice) / 0.2 of wall time,
    // 1,350 ms with 10 ms slices; a loaded machine that deschedules the process mid-slice stretches the last slice
    // (busy time is the slices' wall time, as in process mode), hence the margin
    expect(slow.busyMs).toBeGreaterThanOrEqual(300);
    expect(slow.actualMs).toBeGreaterThanOrEqual(800);
    expect((free.json() as { busyMs: number }).busyMs).toBeGreaterThanOrEqual(100);
    const usage = await waitUntil("the host to report both instances' CPU", () => {
      const [c1, c2] = ["c1", "c2"].map((id) => status(functions, functionName(id)).process.instance!);
      return c1!.busyMs >= 300 && c2!.busyMs >= 100 ? { c1: c1!, c2: c2! } : undefined;
    });
    // c1 was held back; c2, at 2 cores, burnt its 100 ms at once: each instance has its own account and bucket
    expect(usage.c1.throttledMs).toBeGreaterThan(500);
    expect(usage.c2.throttledMs).toBe(0);
    expect(usage.c1).toMatchObject({ milliCpu: 200, running: 0 });
    const stats = (await request(`${functions.url}/function/${functionName("c1")}/stats`, HTTP)).json();
    expect(stats).toMatchObject({ requests: 1, running: 0 });
    expect((stats as { busyMs: number }).busyMs).toBeGreaterThanOrEqual(300);
    await fnClient.delete(functionName("c1"));
    await fnClient.delete(functionName("c2"));
  });

  it("keeps the OpenFaaS semantics of PUT and DELETE, and of a factory that refuses its configuration", async () => {
    const name = functionName("u1");
    await fnClient.deploy(deployment("u1", "busy-spin", { REPLY_TEXT: "before" }));
    await fnClient.waitUntilLive(name, LIVE);
    const before = status(functions, name).process;
    await fnClient.update(deployment("u1", "busy-spin", { REPLY_TEXT: "after" }));
    await fnClient.waitUntilLive(name, LIVE);
    const after = status(functions, name).process;
    expect(after.pid).toBe(before.pid);
    expect(after.instance!.id).not.toBe(before.instance!.id);
    expect((await post(functions, name, "/", { executionMs: 1 })).json()).toMatchObject({ text: "after" });
    // the old instance's prefix is gone from the host
    const old = await request(`http://127.0.0.1:${before.port}/${before.instance!.id}/health`, HTTP);
    expect(old.status).toBe(404);

    // DELETE answers once the instance is gone, cutting a burn in flight
    const burning = post(functions, name, "/", { executionMs: 60_000 }).catch((err: unknown) => err);
    await waitUntil("the burn to start", () =>
      status(functions, name).process.instance!.running > 0 ? true : undefined,
    );
    const started = performance.now();
    await fnClient.delete(name);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect((await burning) instanceof Error || ((await burning) as { status: number }).status >= 500).toBe(true);
    expect((await post(functions, name, "/")).status).toBe(404);
    expect(isAlive(before.pid!)).toBe(true);

    const bad = functionName("u2");
    await fnClient.deploy(deployment("u2", "busy-spin", { EXECUTION_LAW: "weibull" }));
    await expect(fnClient.waitUntilLive(bad, LIVE)).rejects.toThrow(/EXECUTION_LAW/);
    expect((await fnClient.health(bad)).status).toBe(500);
    await fnClient.delete(bad);
  });

  it("answers 500 for a handler that throws, without disturbing other instances; a host crash fails them all", async () => {
    await fixtureClient.deploy(deployment("x1", "env-dump"));
    await fixtureClient.deploy(deployment("x2", "env-dump"));
    await fixtureClient.waitUntilLive(functionName("x1"), LIVE);
    await fixtureClient.waitUntilLive(functionName("x2"), LIVE);
    const thrown = await post(fixtures, functionName("x1"), "/?throw=1");
    expect(thrown.status).toBe(500);
    expect(thrown.text()).toMatch(/asked to throw/);
    expect((await post(fixtures, functionName("x1"), "/")).status).toBe(200);
    expect((await post(fixtures, functionName("x2"), "/")).status).toBe(200);

    const pid = status(fixtures, functionName("x1")).process.pid!;
    await post(fixtures, functionName("x1"), "/?crash=1");
    await waitUntil("both instances to fail", () =>
      ["x1", "x2"].every((id) => status(fixtures, functionName(id)).process.status === "failed") ? true : undefined,
    );
    expect(status(fixtures, functionName("x2")).process.failure).toMatch(/host of `env-dump`.*asked to crash/s);
    expect((await fixtureClient.health(functionName("x2"))).status).toBe(500);
    // the next deployment starts a new host
    await fixtureClient.deploy(deployment("x3", "env-dump"));
    await fixtureClient.waitUntilLive(functionName("x3"), LIVE);
    expect(status(fixtures, functionName("x3")).process.pid).not.toBe(pid);
    for (const id of ["x1", "x2", "x3"]) await fixtureClient.delete(functionName(id));
  });

  it("answers 429 above an instance's max_inflight", async () => {
    const name = functionName("q1");
    await fnClient.deploy(deployment("q1", "busy-spin", { max_inflight: "1" }));
    await fnClient.waitUntilLive(name, LIVE);
    const first = post(functions, name, "/", { executionMs: 500 });
    await waitUntil("the burn to start", () =>
      status(functions, name).process.instance!.running > 0 ? true : undefined,
    );
    expect((await post(functions, name, "/", { executionMs: 1 })).status).toBe(429);
    expect((await first).status).toBe(200);
    await fnClient.delete(name);
  });

  it("costs far less memory for 200 instances than 200 processes would", async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `m${i}`);
    for (let i = 0; i < ids.length; i += 20) {
      const batch = ids.slice(i, i + 20);
      await Promise.all(batch.map((id) => fnClient.deploy(deployment(id, "busy-spin", { SEED: id }))));
      await Promise.all(batch.map((id) => fnClient.waitUntilLive(functionName(id), LIVE)));
    }
    await Promise.all(
      ids.map(async (id) =>
        expect((await post(functions, functionName(id), "/", { executionMs: 1 })).status).toBe(200),
      ),
    );
    const host = pool.hosts().find((h) => h.folder === "busy-spin")!;
    expect(host.instances).toBe(200);
    const denseKiB = rssKiB(host.pid!);
    // one busy-spin process as process mode runs it (node + tsx), having served one request
    const single = await startFunction("busy-spin");
    expect((await request(`${single.url}/`, { method: "POST", body: { executionMs: 1 }, ...HTTP })).status).toBe(200);
    const processKiB = rssKiB(single.child.pid!);
    const figures = `dense host with 200 instances: ${Math.round(denseKiB / 1024)} MiB; one process: ${Math.round(processKiB / 1024)} MiB`;
    expect(denseKiB, figures).toBeLessThan((200 * processKiB) / 10);
    await Promise.all(ids.map((id) => fnClient.delete(functionName(id))));
  }, 240_000);
});
