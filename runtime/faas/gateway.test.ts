// The OpenFaaS client against the embedded gateway, with real function processes on loopback.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { RemoteError } from "../protocol/errors.ts";
import { startGateway, type RunningGateway } from "./gateway.ts";
import { functionName, giraffDeployment } from "./giraff-deployment.ts";
import { OpenFaasClient } from "./openfaas-client.ts";
import { waitUntil } from "../testing/wait.ts";
import { isAlive } from "../util/is-alive.ts";
import type { FunctionDeployment } from "./types.ts";

const FUNCTIONS_DIR = fileURLToPath(new URL("../../functions", import.meta.url));
const FIXTURES_DIR = fileURLToPath(new URL("./fixtures/functions", import.meta.url));
const LIVE = { timeoutMs: 45_000, probeTimeoutMs: 5_000 };

function echoDeployment(slaId: string, envVars: Record<string, string> = {}): FunctionDeployment {
  return giraffDeployment({
    slaId,
    image: "127.0.0.1:5555/giraff:fn_echo",
    memoryBytes: 40e6,
    milliCpu: 10,
    replicas: 2,
    envVars: { NAME: `echo-${slaId}`, ID: slaId, ...envVars },
  });
}

/** The pid the gateway reports for a function. */
function pidOf(gateway: RunningGateway, name: string): number {
  const pid = gateway.list().find((f) => f.name === name)?.process.pid;
  if (pid === undefined) throw new Error(`no pid for ${name}`);
  return pid;
}

const basicAuth = (auth: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;

async function rejection(promise: Promise<unknown>): Promise<RemoteError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemoteError);
  return err as RemoteError;
}

describe("OpenFaaS client against the embedded gateway", () => {
  let gateway: RunningGateway;
  let client: OpenFaasClient;
  beforeAll(async () => {
    gateway = await startGateway({ host: "127.0.0.1", port: 0, functionsDir: FUNCTIONS_DIR, stopGraceMs: 3_000 });
    client = new OpenFaasClient({ baseUrl: gateway.url, auth: gateway.auth });
  });
  afterAll(() => gateway.close());

  it("deploys, invokes, reconfigures, lists, updates and deletes an echo function", async () => {
    const name = functionName("sla-1");
    await client.deploy(echoDeployment("sla-1"));
    const live = await client.waitUntilLive(name, LIVE);
    expect(live.attempts).toBeGreaterThanOrEqual(1);

    const fnUrl = `${gateway.url}/function/${name}`;
    const echoed = await request(fnUrl, { method: "POST", body: "ping", timeoutMs: 10_000 });
    expect(echoed.status).toBe(200);
    expect(echoed.text()).toBe("ping");
    expect(echoed.headers["giraff-tags"]).toBe("echo-sla-1");
    expect(echoed.headers["giraff-sla-id"]).toBe("sla-1");
    expect(echoed.headers["giraff-redirect"]).toBeUndefined();

    const next = "http://127.0.0.9:31112/function/fogfn-sla-2";
    const reconfigured = await request(`${fnUrl}/reconfigure`, {
      method: "POST",
      body: { nextFunctionUrl: next },
      timeoutMs: 10_000,
    });
    expect(reconfigured.status).toBe(200);
    const chained = await request(fnUrl, { method: "POST", body: Buffer.from([1, 2, 3]), timeoutMs: 10_000 });
    expect([...chained.body]).toEqual([1, 2, 3]);
    expect(chained.headers["giraff-redirect"]).toBe(next);
    expect(chained.headers["giraff-redirect-proxy"]).toBe("http://127.0.0.9:3128/");

    const stats = await request(`${fnUrl}/stats?verbose=1`, { timeoutMs: 10_000 });
    expect(stats.json()).toEqual({ arrivals: 2, nextFunctionUrl: next });
    // Invocations may carry media well above the 1 MiB /system limit.
    const big = Buffer.alloc(3 << 20, 7);
    const bigEcho = await request(fnUrl, { method: "POST", body: big, timeoutMs: 20_000 });
    expect(bigEcho.body.equals(big)).toBe(true);

    const [listed] = (await client.list()).filter((f) => f.name === name);
    expect(listed).toMatchObject({
      image: "127.0.0.1:5555/giraff:fn_echo",
      namespace: "openfaas-fn",
      labels: { "com.openfaas.scale.min": "2", "com.openfaas.scale.max": "2" },
      limits: { memory: "40M", cpu: "10m" },
      requests: { memory: "40M", cpu: "10m" },
      replicas: 2,
      availableReplicas: 1,
      invocationCount: 5,
      process: { status: "ready" },
    });

    const firstPid = pidOf(gateway, name);
    await client.update(echoDeployment("sla-1", { NAME: "renamed" }));
    expect(isAlive(firstPid)).toBe(false);
    await client.waitUntilLive(name, LIVE);
    const secondPid = pidOf(gateway, name);
    expect(secondPid).not.toBe(firstPid);
    const updated = await request(fnUrl, { method: "POST", body: "x", timeoutMs: 10_000 });
    expect(updated.headers["giraff-tags"]).toBe("renamed");
    // A restart forgets the chain: reconfiguration is the market's job after each provisioning.
    expect(updated.headers["giraff-redirect"]).toBeUndefined();

    await client.delete(name);
    expect(isAlive(secondPid)).toBe(false);
    expect((await request(fnUrl, { method: "POST", body: "x", timeoutMs: 10_000 })).status).toBe(404);
    expect((await client.health(name)).status).toBe(404);
    expect((await client.list()).map((f) => f.name)).not.toContain(name);
  });

  it("answers bad deploy bodies with 400 naming the field and the rule", async () => {
    const good = echoDeployment("bad");
    const cases: [unknown, string][] = [
      [{ ...good, service: undefined }, "service"],
      [{ ...good, service: "Not_DNS" }, "service"],
      [{ ...good, image: 42 }, "image"],
      [{ ...good, envVars: { N: 1 } }, "envVars.N"],
      [{ ...good, limits: { memory: "lots" } }, "limits.memory"],
      [{ ...good, requests: { cpu: "-1" } }, "requests.cpu"],
      [{ ...good, labels: { "com.openfaas.scale.max": "two" } }, "labels.com.openfaas.scale.max"],
      [[good], ""],
    ];
    for (const [body, field] of cases) {
      const err = await rejection(client.deploy(body as FunctionDeployment));
      expect(err.status, JSON.stringify(body)).toBe(400);
      expect((JSON.parse(err.body ?? "{}") as { error: { field: string } }).error.field).toBe(field);
      expect(err.message).toMatch(/Could not deploy .* answered 400: /);
    }
    const headers = { authorization: basicAuth(gateway.auth) };
    const invalidJson = await request(`${gateway.url}/system/functions`, {
      method: "POST",
      headers,
      body: "{not json",
      timeoutMs: 10_000,
    });
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.text()).toMatch(/valid JSON/);
    const tooBig = await request(`${gateway.url}/system/functions`, {
      method: "POST",
      headers,
      body: { ...good, envVars: { BLOB: "x".repeat(1 << 20) } },
      timeoutMs: 10_000,
    });
    expect(tooBig.status).toBe(413);
    const badDelete = await rejection(client.delete("UPPER"));
    expect(badDelete.status).toBe(400);
    expect(badDelete.message).toMatch(/functionName/);
  });

  it("refuses an image that names no function folder, naming `image`", async () => {
    const err = await rejection(client.deploy({ ...echoDeployment("img"), image: "ghcr.io/x/no-such-fn:latest" }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/`image` must be an image that names a folder/);
    expect(gateway.list().map((f) => f.name)).not.toContain(functionName("img"));
  });

  it("answers 404 for unknown functions and 409 for a second deploy of the same name", async () => {
    expect((await rejection(client.update(echoDeployment("ghost")))).status).toBe(404);
    expect((await rejection(client.delete("fogfn-ghost"))).status).toBe(404);
    expect((await client.health("fogfn-ghost")).status).toBe(404);
    const timedOut = await rejection(client.waitUntilLive("fogfn-ghost", { timeoutMs: 400 }));
    expect(timedOut.timedOut).toBe(true);
    expect(timedOut.message).toMatch(/did not become live within 400 ms .*answered 404/);

    await client.deploy(echoDeployment("twice"));
    const again = await rejection(client.deploy(echoDeployment("twice")));
    expect(again.status).toBe(409);
    await client.delete(functionName("twice"));
  });

  it("marks a function killed from outside as failed and keeps serving", async () => {
    const name = functionName("victim");
    await client.deploy(echoDeployment("victim"));
    await client.waitUntilLive(name, LIVE);
    const pid = pidOf(gateway, name);
    process.kill(pid, "SIGKILL");
    const probe = await waitUntil("health to fail", async () => {
      const p = await client.health(name);
      return p.live ? undefined : p;
    });
    // 503 if the probe raced the exit (connection refused), 500 once the gateway has seen the exit.
    expect([500, 503]).toContain(probe.status);
    const failed = await waitUntil("the gateway to see the exit", () => {
      const fn = gateway.list().find((f) => f.name === name);
      return fn?.process.status === "failed" && fn.process;
    });
    expect(failed.failure).toMatch(/exited unexpectedly on signal SIGKILL/);
    expect((await client.health(name)).status).toBe(500);
    expect((await request(`${gateway.url}/healthz`, { timeoutMs: 5_000 })).status).toBe(200);
    expect((await request(`${gateway.url}/function/${name}`, { method: "POST", timeoutMs: 5_000 })).status).toBe(500);
    // A failed function can be replaced in place, as the node would after a liveness failure.
    await client.update(echoDeployment("victim"));
    await client.waitUntilLive(name, LIVE);
    await client.delete(name);
  });
});

describe("embedded gateway lifecycle", () => {
  it("close() stops every function process", async () => {
    const gateway = await startGateway({ host: "127.0.0.1", port: 0, functionsDir: FUNCTIONS_DIR });
    const client = new OpenFaasClient({ baseUrl: gateway.url, auth: gateway.auth });
    await Promise.all(["a", "b"].map((id) => client.deploy(echoDeployment(id))));
    await Promise.all(["a", "b"].map((id) => client.waitUntilLive(functionName(id), LIVE)));
    const pids = gateway.list().map((f) => f.process.pid!);
    expect(pids.every(isAlive)).toBe(true);
    await gateway.close();
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it("reports a function that crashes at start-up as failed, with its exit code and output", async () => {
    const gateway = await startGateway({ host: "127.0.0.1", port: 0, functionsDir: FIXTURES_DIR });
    try {
      const client = new OpenFaasClient({ baseUrl: gateway.url, auth: gateway.auth });
      await client.deploy({ service: "broken", image: "giraff:fn_crash" });
      const answer = await waitUntil("health to answer 500", async () => {
        const a = await request(`${gateway.url}/function/broken/health`, { timeoutMs: 5_000 });
        return a.status === 500 ? a : undefined;
      });
      expect(answer.text()).toMatch(/exited unexpectedly with code 3.*missing model file/);
    } finally {
      await gateway.close();
    }
  });

  it("requires the basic auth it is given on /system, and the client sends it", async () => {
    const auth = { username: "admin", password: "s3cret" };
    const gateway = await startGateway({ host: "127.0.0.1", port: 0, functionsDir: FUNCTIONS_DIR, auth });
    try {
      const anonymous = await rejection(new OpenFaasClient({ baseUrl: gateway.url }).list());
      expect(anonymous.status).toBe(401);
      expect(await new OpenFaasClient({ baseUrl: `${gateway.url}/`, auth }).list()).toEqual([]);
    } finally {
      await gateway.close();
    }
  });
});
