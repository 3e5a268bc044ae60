// The IoT emulator with real servers on loopback: emulator on 127.111.0.1, a node (proxy + a recording function
// server) on 127.111.0.2, nothing at all on 127.111.0.9.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryEventSink } from "../events/writer.ts";
import { request } from "../http/client.ts";
import type { EventOf } from "../protocol/events.ts";
import { startProxy, type RunningProxy } from "../proxy/proxy.ts";
import { waitUntil } from "../testing/wait.ts";
import { startIotEmulator, type RunningIotEmulator } from "./emulator.ts";
import type { JobStatus } from "./job.ts";

const NODE = "127.111.0.2";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

describe("IoT emulator", () => {
  const received: Received[] = [];
  const fn = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { "GIRAFF-Tags": "fn", "GIRAFF-Sla-Id": "sla" }).end();
    });
  });
  const proxyEvents = memoryEventSink({ run: "test", source: "proxy" });
  const events = memoryEventSink({ run: "test", source: "iot" });
  let fnUrl: string;
  let proxy: RunningProxy;
  let iot: RunningIotEmulator;
  const put = (body: unknown) => request(`${iot.url}/api/cron`, { method: "PUT", body, timeoutMs: 10_000 });
  const job = (overrides: Record<string, unknown>) => ({
    functionId: "fn-1",
    iotUrl: "http://127.111.0.1/",
    nodeUrl: fnUrl,
    tags: "chain-1",
    intervalMs: 10,
    durationMs: 300,
    firstNodeIp: NODE,
    content: "ping",
    ...overrides,
  });
  const statusOf = async (id: string) =>
    (await request(`${iot.url}/api/jobs/${id}`, { timeoutMs: 5_000 })).json() as JobStatus;
  const settled = (id: string) =>
    waitUntil(`job ${id} to finish`, async () => {
      const s = await statusOf(id);
      return s.state !== "waiting" && s.state !== "running" && s.inFlight === 0 && s;
    });

  beforeAll(async () => {
    fnUrl = `http://${NODE}:${await listen(fn, NODE)}/function/fogfn-1`;
    proxy = await startProxy({ host: NODE, port: 0, events: proxyEvents });
    iot = await startIotEmulator({ host: "127.111.0.1", port: 0, events, proxyPort: proxy.port, seed: 1 });
  });
  afterAll(async () => {
    await iot?.close();
    await proxy?.close();
    fn.closeAllConnections();
    await new Promise((resolve) => fn.close(resolve));
  });

  it("rejects bad jobs with a 400 naming the field, and other methods with GIRAFF's 403", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ intervalMs: 0 }, "intervalMs"],
      [{ durationMs: undefined }, "durationMs"],
      [{ content: "video" }, "content"],
      [{ nodeUrl: "fogfn-1" }, "nodeUrl"],
      [{ firstNodeIp: "node-1" }, "firstNodeIp"],
      [{ functionId: "" }, "functionId"],
      [{ intialWaitMs: -5 }, "intialWaitMs"],
    ];
    for (const [overrides, field] of cases) {
      const answer = await put(job(overrides));
      expect(answer.status, field).toBe(400);
      expect(answer.json(), field).toMatchObject({ error: { field } });
    }
    expect((await request(`${iot.url}/api/cron`, { timeoutMs: 5_000 })).status).toBe(403);
    expect(iot.jobs()).toEqual([]);
  });

  it("accepts GIRAFF's misspelt intialWaitMs, and refuses a second job with the same id while it runs", async () => {
    expect((await put(job({ functionId: "waits", intialWaitMs: 60_000 }))).status).toBe(200);
    expect(await statusOf("waits")).toMatchObject({ state: "waiting", initialWaitMs: 60_000, sent: 0 });
    const again = await put(job({ functionId: "waits" }));
    expect(again.status).toBe(409);
    const stopped = await request(`${iot.url}/api/cron/waits`, { method: "DELETE", timeoutMs: 5_000 });
    expect(stopped.json()).toMatchObject({ state: "stopped", sent: 0 });
  });

  it("sends pings through the entry proxy at the requested rate, with GIRAFF's headers and body", async () => {
    received.length = 0;
    const before = performance.now();
    expect((await put(job({ functionId: "pings" }))).status).toBe(200);
    const s = await settled("pings");
    expect(s).toMatchObject({ state: "done", failed: 0, non2xx: 0, overflow: 0 });
    expect(s.ok).toBe(s.sent);
    // ~31 arrivals expected over 300 ms at a 10 ms mean; a seeded run, loose bounds
    expect(s.sent).toBeGreaterThan(10);
    expect(s.sent).toBeLessThan(80);
    expect(s.requestedRatePerS).toBe(100);
    expect(received).toHaveLength(s.sent);
    const first = received[0]!;
    expect(first.headers["giraff-sla-id"]).toBe("pings");
    expect(first.headers["giraff-tags"]).toBe("chain-1");
    expect(first.headers["giraff-request-id"]).toBeDefined();
    const ping = JSON.parse(first.body.toString()) as { tag: string; sentAt: number; from: string; to: string };
    expect(ping).toMatchObject({ tag: "chain-1", from: "iot_emulation", to: fnUrl });
    expect(ping.sentAt / 1000).toBeGreaterThanOrEqual(performance.timeOrigin + before - 1);
    // two proxy passages per request: the entry, then the hop that calls the function
    const hops = proxyEvents.events.filter((e) => e.kind === "proxy_hop" && e.slaId !== "<no-sla-id>");
    expect(hops.length).toBeGreaterThanOrEqual(2 * s.sent);
  });

  it("sends audio as audio/wav and images as the multipart field `file`", async () => {
    received.length = 0;
    await put(job({ functionId: "audio", content: "audio", intervalMs: 50, durationMs: 100 }));
    await put(job({ functionId: "image", content: "image", intervalMs: 50, durationMs: 100 }));
    await Promise.all([settled("audio"), settled("image")]);
    const audio = received.find((r) => r.headers["giraff-sla-id"] === "audio")!;
    expect(audio.headers["content-type"]).toBe("audio/wav");
    expect(audio.body.toString("latin1", 0, 4)).toBe("RIFF");
    const image = received.find((r) => r.headers["giraff-sla-id"] === "image")!;
    expect(image.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(image.body.toString("latin1")).toMatch(/name="file"; filename="[^"]+\.png"\r\nContent-Type: image\/png/);
  });

  it("records a send_failure for each request when the entry proxy is down", async () => {
    events.events.length = 0;
    await put(job({ functionId: "lost", firstNodeIp: "127.111.0.9", intervalMs: 20, durationMs: 100 }));
    const s = await settled("lost");
    expect(s.sent).toBeGreaterThan(0);
    expect(s).toMatchObject({ ok: 0, failed: s.sent });
    const failures = events.events.filter((e): e is EventOf<"send_failure"> => e.kind === "send_failure");
    expect(failures).toHaveLength(s.sent);
    expect(failures[0]).toMatchObject({ slaId: "lost", reason: "unreachable" });
  });

  it("counts arrivals beyond the in-flight bound as overflow failures, and close() stops everything", async () => {
    const silent = createServer(() => {});
    const silentUrl = `http://${NODE}:${await listen(silent, NODE)}/function/slow`;
    const sink = memoryEventSink({ run: "test", source: "iot-2" });
    const bounded = await startIotEmulator({
      host: "127.111.0.1",
      port: 0,
      events: sink,
      proxyPort: proxy.port,
      seed: 2,
      maxInFlight: 3,
    });
    try {
      await request(`${bounded.url}/api/cron`, {
        method: "PUT",
        body: job({ functionId: "flood", nodeUrl: silentUrl, intervalMs: 5, durationMs: 60_000 }),
        timeoutMs: 5_000,
      });
      const s = await waitUntil("overflows", () => {
        const status = bounded.jobs()[0]!;
        return status.overflow >= 5 && status;
      });
      expect(s.inFlight).toBe(3);
      expect(sink.events.some((e) => e.kind === "send_failure" && e.reason === "overflow")).toBe(true);
    } finally {
      await bounded.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    const after = bounded.jobs()[0]!;
    expect(after.state).toBe("stopped");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const later = bounded.jobs()[0]!;
    expect(later.scheduled).toBe(after.scheduled);
    expect(later.inFlight).toBe(0);
    expect(later.cancelled).toBe(3);
  });
});
