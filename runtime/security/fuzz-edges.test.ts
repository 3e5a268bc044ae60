/**
 * Property-based attack on every HTTP edge of a real fog network on loopback: a market, a node registered with
 * it, the embedded FaaS gateway and the chaining proxy, each on its own socket. fast-check generates bad
 * request-targets and percent-encoding, bad methods, bad and deep and huge JSON, bad field values, oversized
 * headers and bodies; each request is raw bytes on a fresh connection with a client timeout. Whatever arrives,
 * no edge answers ≥ 500, none hangs, and the servers' memory stays bounded.
 */
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../faas/gateway.ts";
import type { RunningMarket } from "../market/market.ts";
import type { RunningNode } from "../node/agent.ts";
import { nullEventSink } from "../events/writer.ts";
import { startProxy, type RunningProxy } from "../proxy/proxy.ts";
import { slaBody } from "../testing/fixtures.ts";
import { startMarketWithRoot, type MarketWithRoot } from "../testing/market-root.ts";
import { sendRaw, type RawOutcome, type RawRequest } from "./testing/raw-http.ts";

const FUNCTIONS_DIR = fileURLToPath(new URL("../../functions", import.meta.url));
/** Per request: far above a loopback answer (milliseconds), far below the edges' 30 s request deadline. */
const CLIENT_TIMEOUT_MS = 5_000;
const RUNS_PER_EDGE = 550;

let market: RunningMarket;
let node: RunningNode;
let gateway: RunningGateway;
let proxy: RunningProxy;
let network: MarketWithRoot;

beforeAll(async () => {
  gateway = await startGateway({ host: "127.74.0.2", port: 0, functionsDir: FUNCTIONS_DIR });
  network = await startMarketWithRoot({ marketHost: "127.74.0.254", nodeIp: "127.74.0.1" });
  ({ market, node } = network);
  // on the gateway's host, as on a fog node: the proxy forwards there directly, not to a peer proxy
  proxy = await startProxy({ host: "127.74.0.2", port: 0, events: nullEventSink });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await network?.close();
  await gateway?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Generators

/** Path segments: bad percent-encoding, traversal, brackets, raw junk (no CR/LF: those would forge a request). */
const segment = fc.oneof(
  fc.constantFrom("%", "%zz", "%E0%A4%A", "%ff%fe", "%00", "%C0%AF", "..", "%2e%2e", "[::1", "%%", "a%2", "é", "sla 1"),
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, "")),
  fc.stringMatching(/^[A-Za-z0-9%._~:@!$&'()*+,;=-]{0,40}$/),
  fc.integer({ min: 1000, max: 12_000 }).map((n) => "a".repeat(n)),
);

const junkTarget = fc.oneof(
  fc.constantFrom("//", "//[::1", "/%", "*", "x", "/../../etc/passwd", "http://[::1", "/?%zz=%zz"),
  segment.map((s) => `/${s}`),
);

const methods = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO", "get", "PROPFIND");

const quantityJunk = fc.oneof(
  fc.constantFrom("1e-320 B", "0 MB", "-5 MB", "1e999 MB", "25 d", "2 PB", "NaN s", "0x10 m", "1 parsec", "", "200 %"),
  fc
    .tuple(fc.double(), fc.constantFrom("MB", "m", "ms", "s", "d", "cpu", "B", "b/s", "%", "__proto__"))
    .map(([n, u]) => `${n} ${u}`),
  fc.jsonValue({ maxDepth: 2 }),
);

const deepJson = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth),
  );

const hugeJson = fc
  .integer({ min: 60_000, max: 70_000 })
  .map((n) => JSON.stringify({ sla: slaBody({ functionLiveName: "x".repeat(n) }), targetNode: "root" }));

const slaFields = ["memory", "cpu", "latencyMax", "duration", "replicas", "functionImage", "inputMaxSize", "dataFlow"];
/** A valid SLA with one field made bad; the target does not exist, so a body that passes still gets a 4xx. */
const badSla = fc
  .tuple(fc.constantFrom(...slaFields), quantityJunk)
  .map(([field, value]) => JSON.stringify({ sla: { ...slaBody(), [field]: value }, targetNode: "nowhere" }));

const latency = { median: "0 s", average: "0 s", medianUncertainty: "0 s", packetLoss: "0 bp", bandwidth: "1 Gb/s" };
const badBid = fc
  .tuple(fc.constantFrom(...Object.keys(latency), "sla.duration", "sla.memory", "budgetMs"), quantityJunk)
  .map(([field, value]) => {
    const body: Record<string, unknown> = {
      nodeOrigin: "root",
      sla: { ...slaBody(), id: "fuzz" },
      accumulatedLatency: { ...latency },
    };
    if (field.startsWith("sla.")) (body.sla as Record<string, unknown>)[field.slice(4)] = value;
    else if (field === "budgetMs") body.budgetMs = value;
    else (body.accumulatedLatency as Record<string, unknown>)[field] = value;
    return JSON.stringify(body);
  });

const badRegistration = fc
  .record({
    node_id: fc.jsonValue(),
    ip: fc.jsonValue(),
    port_http: fc.jsonValue(),
    advertised_bandwidth: quantityJunk,
  })
  .map((fields) => JSON.stringify({ node: { parent: "root", port_faas: "1", ...fields } }));

/** Deployments that break one OpenFaaS rule each, so none starts a process. */
const badDeployment = fc
  .tuple(
    fc.constantFrom("service", "image", "envVars", "labels", "limits"),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom("Bad_Name", "", "1e-320", { memory: "1e-320" })),
  )
  .map(([field, value]) => JSON.stringify({ service: "Not-A-DNS-Name!", image: "giraff:fn_echo", [field]: value }));

const bytes = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a).toString("latin1"));

function bodies(...specific: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.oneof(...specific), weight: 4 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? ""), weight: 1 },
    { arbitrary: deepJson, weight: 1 },
    { arbitrary: hugeJson, weight: 1 },
    { arbitrary: bytes, weight: 1 },
  );
}

/** How the body is framed: honestly, declared far above the limits, or with headers the parser must refuse. */
const framing = fc.constantFrom("exact", "exact", "exact", "declared-huge", "bad-length", "te-and-length");
const extraHeaders = fc.oneof(
  { arbitrary: fc.constant<string[]>([]), weight: 6 },
  { arbitrary: fc.constant<string[]>(["content-type: application/json"]), weight: 2 },
  { arbitrary: fc.integer({ min: 17_000, max: 40_000 }).map((n) => [`x-big: ${"a".repeat(n)}`]), weight: 1 },
  { arbitrary: fc.constant<string[]>(["authorization: Basic %%%"]), weight: 1 },
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => [`giraff-target: ${s.replace(/[\r\n]/g, "")}`]), weight: 1 },
);

function request(method: string, target: string, body: string, frame: string, headers: string[]): RawRequest {
  const payload = Buffer.from(body, body.startsWith("\u0000") ? "latin1" : "utf8");
  const framed = [...headers];
  if (frame === "exact") framed.push(`content-length: ${payload.length}`);
  // the server refuses on the declared length alone, so only a small part of the body is sent
  if (frame === "declared-huge") framed.push("content-length: 1000000000");
  if (frame === "bad-length") framed.push("content-length: 12abc");
  if (frame === "te-and-length") framed.push("transfer-encoding: chunked", `content-length: ${payload.length}`);
  const sent = frame === "exact" ? payload : frame === "declared-huge" ? payload.subarray(0, 100) : payload;
  return { method, target, headers: framed, body: sent };
}

function edgeRequests(paths: fc.Arbitrary<string>, body: fc.Arbitrary<string>): fc.Arbitrary<RawRequest> {
  return fc
    .tuple(methods, fc.oneof(paths, junkTarget), body, framing, extraHeaders)
    .map(([m, t, b, f, h]) => request(m, t, b, f, h));
}

const marketPaths = fc.oneof(
  fc.constantFrom("/api/function", "/api/register", "/api/fog", "/api/functions", "/api/health"),
  segment.map((s) => `/api/auctions/${s}`),
  segment.map((s) => `/api/function/${s}`),
);
const nodePaths = fc.oneof(
  fc.constantFrom("/api/bid", "/api/register", "/api/state", "/api/ping"),
  segment.map((s) => `/api/accept/${s}`),
  segment.map((s) => `/api/provision/${s}`),
);
const gatewayPaths = fc.oneof(
  fc.constantFrom("/system/functions", "/healthz"),
  segment.map((s) => `/system/function/${s}`),
  segment.map((s) => `/function/${s}`),
  fc.tuple(segment, segment).map(([a, b]) => `/function/${a}/${b}`),
);

// ---------------------------------------------------------------------------------------------------------------
// The attack

interface Tally {
  sent: number;
  byStatus: Map<string, number>;
  hangs: number;
  closed: number;
  fiveHundreds: string[];
}

const tally: Tally = { sent: 0, byStatus: new Map(), hangs: 0, closed: 0, fiveHundreds: [] };

function record(edge: string, req: RawRequest, outcome: RawOutcome): void {
  tally.sent += 1;
  const key = outcome.kind === "answered" ? String(outcome.status) : outcome.kind;
  tally.byStatus.set(key, (tally.byStatus.get(key) ?? 0) + 1);
  if (outcome.kind === "hang") tally.hangs += 1;
  if (outcome.kind === "closed") tally.closed += 1;
  if (outcome.kind === "answered" && outcome.status >= 500) {
    tally.fiveHundreds.push(`${edge}: ${req.method} ${req.target.slice(0, 80)} → ${outcome.head.slice(0, 300)}`);
  }
}

async function attack(edge: string, host: () => string, port: () => number, requests: fc.Arbitrary<RawRequest>) {
  await fc.assert(
    fc.asyncProperty(requests, async (req) => {
      record(edge, req, await sendRaw(host(), port(), req, CLIENT_TIMEOUT_MS));
    }),
    { numRuns: RUNS_PER_EDGE, seed: 20_251_207 },
  );
}

describe("fuzzing every HTTP edge (market, node, gateway, proxy)", () => {
  let rssBefore = 0;

  beforeAll(() => {
    global.gc?.();
    rssBefore = process.memoryUsage().rss;
  });

  it("market: bad paths, methods, SLAs, registrations, deep and huge JSON", async () => {
    const body = bodies(badSla, badRegistration);
    await attack(
      "market",
      () => market.server.host,
      () => market.server.port,
      edgeRequests(marketPaths, body),
    );
  }, 60_000);

  it("node: bad calls for bids, payments, provisionings, registrations", async () => {
    const body = bodies(
      badBid,
      badRegistration,
      fc.jsonValue().map((v) => JSON.stringify({ bidId: v, price: v })),
    );
    const url = new URL(node.url);
    await attack(
      "node",
      () => url.hostname,
      () => Number(url.port),
      edgeRequests(nodePaths, body),
    );
  }, 60_000);

  it("gateway: bad deployments, deletions, invocations, auth headers", async () => {
    const body = bodies(
      badDeployment,
      fc.jsonValue().map((v) => JSON.stringify({ functionName: v })),
    );
    await attack(
      "gateway",
      () => gateway.host,
      () => gateway.port,
      edgeRequests(gatewayPaths, body),
    );
  }, 60_000);

  it("proxy: bad request-targets, schemes, credentials, target headers, CONNECT", async () => {
    const gatewayTarget = () => `http://${gateway.host}:${gateway.port}`;
    const targets = fc.oneof(
      fc.constantFrom(
        "https://x/",
        "ftp://x/",
        "http://user:pw@x/",
        "http://",
        "/proxy",
        "/",
        "*",
        "x:443",
        "http://[::1",
      ),
      segment.map((s) => `/proxy?url=${s}`),
      // forwarded for real to the gateway: whatever the path, the gateway's 4xx comes back
      segment.map((s) => `${gatewayTarget()}/function/${s}`),
    );
    const proxyMethods = fc.oneof(methods, fc.constant("CONNECT"));
    const requests = fc
      .tuple(proxyMethods, targets, bodies(bytes), framing, extraHeaders)
      .map(([m, t, b, f, h]) => request(m, t, b, f, h));
    await attack(
      "proxy",
      () => proxy.host,
      () => proxy.port,
      requests,
    );
  }, 60_000);

  it("answered every input below 500, without a hang, with bounded memory", () => {
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    const growthMiB = (rssAfter - rssBefore) / 2 ** 20;
    const statuses = Object.fromEntries([...tally.byStatus].sort(([a], [b]) => a.localeCompare(b)));
    console.log(
      `fuzz-edges: ${tally.sent} inputs; answers by status ${JSON.stringify(statuses)}; ` +
        `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(tally.sent).toBeGreaterThanOrEqual(2_000);
    expect(tally.fiveHundreds).toEqual([]);
    expect(tally.hangs).toBe(0);
    expect(growthMiB).toBeLessThan(200);
  });
});
