// The chaining proxy with real servers on loopback: two "nodes" (127.110.0.1 and .2), each with its own proxy and
// embedded gateway running functions/echo, chained echo → echo by GIRAFF-Redirect, with 20 ms links between nodes.
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryEventSink } from "../events/writer.ts";
import { request, type RequestOptions } from "../http/client.ts";
import { startGateway, type RunningGateway } from "../faas/gateway.ts";
import { giraffDeployment } from "../faas/giraff-deployment.ts";
import { OpenFaasClient } from "../faas/openfaas-client.ts";
import { eventSchemas, type EventOf } from "../protocol/events.ts";
import { waitUntil } from "../testing/wait.ts";
import { ForwardProxyAgent } from "./forward-agent.ts";
import { startProxy, type RunningProxy } from "./proxy.ts";

const FUNCTIONS_DIR = fileURLToPath(new URL("../../functions", import.meta.url));
const NODE_1 = "127.110.0.1";
const NODE_2 = "127.110.0.2";
const LINK_MS = 20;
/** Generous: the machine may be loaded; the lower bound is the point. */
const SLACK_MS = 250;

type Hop = EventOf<"proxy_hop">;

function viaProxy(proxy: RunningProxy, url: string, opts: Omit<RequestOptions, "agent" | "timeoutMs"> = {}) {
  return request(url, { timeoutMs: 30_000, ...opts, agent: new ForwardProxyAgent(proxy.host, proxy.port) });
}

/** Writes raw bytes to the proxy and returns the status code and body of its answer. */
function raw(host: string, port: number, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.end(text));
    let data = "";
    socket.on("data", (c: Buffer) => (data += c.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", body = ""] = data.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), body });
    });
  });
}

describe("chaining proxy", () => {
  const sink1 = memoryEventSink({ run: "test", source: "proxy-1" });
  const sink2 = memoryEventSink({ run: "test", source: "proxy-2" });
  const hops = () => [...sink1.events, ...sink2.events] as Hop[];
  let proxy1: RunningProxy;
  let proxy2: RunningProxy;
  let gw1: RunningGateway;
  let gw2: RunningGateway;
  let f1: string;
  let f2: string;

  beforeAll(async () => {
    const linkFrom = (self: string) => (dest: string) => (dest !== self ? { delayMs: LINK_MS } : undefined);
    proxy1 = await startProxy({ host: NODE_1, port: 0, events: sink1, linkTo: linkFrom(NODE_1) });
    // every node's proxy listens on the same port, as GIRAFF's 3128
    proxy2 = await startProxy({ host: NODE_2, port: proxy1.port, events: sink2, linkTo: linkFrom(NODE_2) });
    const env = { PROXY_PORT: String(proxy1.port) };
    gw1 = await startGateway({ host: NODE_1, port: 0, functionsDir: FUNCTIONS_DIR, env, stopGraceMs: 3_000 });
    gw2 = await startGateway({ host: NODE_2, port: 0, functionsDir: FUNCTIONS_DIR, env, stopGraceMs: 3_000 });
    const deploy = async (gw: RunningGateway, slaId: string) => {
      const client = new OpenFaasClient({ baseUrl: gw.url, auth: gw.auth });
      const envVars = { NAME: `echo-${slaId}`, ID: slaId };
      const image = "127.0.0.1:5555/giraff:fn_echo";
      await client.deploy(giraffDeployment({ slaId, image, memoryBytes: 40e6, milliCpu: 10, replicas: 1, envVars }));
      await client.waitUntilLive(`fogfn-${slaId}`, { timeoutMs: 45_000, probeTimeoutMs: 5_000 });
      return `${gw.url}/function/fogfn-${slaId}`;
    };
    [f1, f2] = await Promise.all([deploy(gw1, "sla-a"), deploy(gw2, "sla-b")]);
    const reconfigured = await request(`${f1}/reconfigure`, {
      method: "POST",
      body: { nextFunctionUrl: f2 },
      timeoutMs: 10_000,
    });
    expect(reconfigured.status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all([proxy1?.close(), proxy2?.close()]);
    await Promise.all([gw1?.close(), gw2?.close()]);
  });

  it("carries a request along echo → echo: one hop event per proxy passage, one request id", async () => {
    const t0 = performance.now();
    const answer = await viaProxy(proxy1, f1, {
      method: "POST",
      body: "hello",
      headers: { "content-type": "text/plain", "GIRAFF-Sla-Id": "sla-a", "GIRAFF-Tags": "iot" },
    });
    const wallMs = performance.now() - t0;
    expect(answer.status).toBe(200);
    expect(answer.text()).toBe("hello");
    // stripped by the proxies (§9.3); the request id is ours, for correlation
    expect(answer.headers["giraff-tags"]).toBeUndefined();
    expect(answer.headers["giraff-sla-id"]).toBeUndefined();
    const reqId = answer.headers["giraff-request-id"] as string;
    expect(reqId).toMatch(/^[0-9a-f-]{36}$/);

    const events = await waitUntil("3 hop events", () => hops().length >= 3 && hops());
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.reqId))).toEqual(new Set([reqId]));
    for (const e of events) expect(eventSchemas.proxy_hop.safeParse(e).success).toBe(true);
    const entry = events.find((e) => e.firstHop)!;
    const first = events.find((e) => !e.firstHop && e.tags === "echo-sla-a")!;
    const second = events.find((e) => !e.firstHop && e.tags === "echo-sla-b")!;
    expect(entry).toMatchObject({ source: "proxy-1", slaId: "sla-a", tags: "<no-tags>", serviceStatus: 200 });
    expect(first).toMatchObject({ source: "proxy-1", slaId: "sla-a", serviceStatus: 200, status: 200, url: f1 });
    expect(second).toMatchObject({ source: "proxy-2", slaId: "sla-b", serviceStatus: 200, status: 200, url: f2 });

    // in-flight times as analysis computes them (giraff.md §14.2)
    const inFlightFirst = first.receivedAt - entry.receivedAt;
    const inFlightSecond = second.receivedAt - first.respondedAt;
    expect(inFlightFirst).toBeGreaterThanOrEqual(0);
    expect(inFlightFirst).toBeLessThan(SLACK_MS);
    expect(inFlightSecond).toBeGreaterThanOrEqual(LINK_MS);
    expect(inFlightSecond).toBeLessThan(LINK_MS + SLACK_MS);
    // the emulated link is crossed twice (there and back)
    expect(wallMs).toBeGreaterThanOrEqual(2 * LINK_MS);
    expect(entry.respondedAt).toBeGreaterThanOrEqual(second.respondedAt);
  });

  it("applies the link from the entry node to the function's node", async () => {
    sink1.events.length = 0;
    sink2.events.length = 0;
    const answer = await viaProxy(proxy1, f2, { method: "POST", body: Buffer.from([1, 2, 3]) });
    expect([...answer.body]).toEqual([1, 2, 3]);
    const events = await waitUntil("2 hop events", () => hops().length >= 2 && hops());
    const entry = events.find((e) => e.firstHop)!;
    const hop = events.find((e) => !e.firstHop)!;
    expect(hop).toMatchObject({ source: "proxy-2", slaId: "sla-b", tags: "echo-sla-b" });
    expect(entry.slaId).toBe("<no-sla-id>");
    expect(hop.receivedAt - entry.receivedAt).toBeGreaterThanOrEqual(LINK_MS);
  });

  it("answers malformed requests with a 4xx naming the field, and keeps serving", async () => {
    const bad = await raw(NODE_1, proxy1.port, "GET /function/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { field: "request-target" } });
    const https = await raw(NODE_1, proxy1.port, "GET https://127.110.0.2/ HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(https.status).toBe(400);
    expect(JSON.parse(https.body).error.rule).toMatch(/`https` is not proxied/);
    const header = await raw(NODE_1, proxy1.port, "GET /proxy HTTP/1.1\r\nGIRAFF-Target: http://\r\n\r\n");
    expect(JSON.parse(header.body)).toMatchObject({ error: { field: "GIRAFF-Target" } });
    const tunnel = await raw(NODE_1, proxy1.port, "CONNECT 127.110.0.2:443 HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(tunnel.status).toBe(405);
    expect(JSON.parse(tunnel.body)).toMatchObject({ error: { field: "method" } });
    const garbage = await raw(NODE_1, proxy1.port, "\x00\x01 nonsense\r\n\r\n");
    expect(garbage.status).toBe(400);

    const small = await startProxy({ host: "127.110.0.3", port: 0, events: sink1, bodyLimit: 1024 });
    try {
      const big = await viaProxy(small, f1, { method: "POST", body: Buffer.alloc(4096) });
      expect(big.status).toBe(413);
      expect(big.json()).toMatchObject({ error: { field: "body" } });
    } finally {
      await small.close();
    }

    // origin-form with the target in a header works as well as absolute-form, and nothing above broke the proxy
    const ok = await request(`${proxy1.url}/proxy`, {
      method: "POST",
      body: "still",
      headers: { "GIRAFF-Target": f1 },
      timeoutMs: 10_000,
    });
    expect(ok.status).toBe(200);
    expect(ok.text()).toBe("still");
  });

  it("answers 502 when the function or the next proxy is down, and 504 on a timeout, with a hop event", async () => {
    sink1.events.length = 0;
    sink2.events.length = 0;
    const down = await viaProxy(proxy1, `http://${NODE_2}:1/function/none`, { method: "POST", body: "x" });
    expect(down.status).toBe(502);
    const events = await waitUntil("2 hop events", () => hops().length >= 2 && hops());
    expect(events.find((e) => !e.firstHop)).toMatchObject({ serviceStatus: 0, status: 502, error: "unreachable" });
    expect(events.find((e) => e.firstHop)).toMatchObject({ serviceStatus: 502, status: 502 });

    // no proxy on 127.110.0.9: the entry proxy itself cannot forward
    const noProxy = await viaProxy(proxy1, "http://127.110.0.9:8080/function/f", { method: "POST", body: "x" });
    expect(noProxy.status).toBe(502);
    expect(noProxy.json()).toMatchObject({ error: { reason: "unreachable" } });

    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.110.0.4", resolve));
    const port = (silent.address() as { port: number }).port;
    const sink = memoryEventSink({ run: "test", source: "proxy-4" });
    const slow = await startProxy({ host: "127.110.0.4", port: 0, events: sink, timeouts: { upstreamMs: 300 } });
    try {
      // a request that already has an id is a hop: this proxy calls the URL itself
      const timedOut = await viaProxy(slow, `http://127.110.0.4:${port}/function/f`, {
        method: "POST",
        body: "x",
        headers: { "GIRAFF-Request-ID": "req-1", "GIRAFF-Sla-Id": "sla-x" },
      });
      expect(timedOut.status).toBe(504);
      expect(sink.events).toMatchObject([
        { reqId: "req-1", slaId: "sla-x", firstHop: false, status: 504, error: "timeout" },
      ]);
    } finally {
      await slow.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
