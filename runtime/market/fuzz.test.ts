/**
 * Property-based fuzzing of the HTTP edges with real sockets: whatever the body, the market and a node answer
 * with a 2xx, a 4xx naming the field and the rule, or a 503 refusal — never a 5xx crash — and keep serving.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { request } from "../http/client.ts";
import type { RunningNode } from "../node/agent.ts";
import { slaBody } from "../testing/fixtures.ts";
import { startMarketWithRoot, type MarketWithRoot } from "../testing/market-root.ts";
import type { RunningMarket } from "./market.ts";

let market: RunningMarket;
let node: RunningNode;

let network: MarketWithRoot;
beforeAll(async () => {
  network = await startMarketWithRoot({ marketHost: "127.73.0.254", nodeIp: "127.73.0.1" });
  ({ market, node } = network);
});
afterAll(() => network?.close());

const quantityLike = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.oneof(fc.double(), fc.integer(), fc.constantFrom("1e999", "-0", "NaN", "", "0x10")),
      fc.constantFrom("MB", "m", "ms", "s", "cpu", "B", "b/s", "%", "parsec", "__proto__", ""),
    )
    .map(([n, u]) => `${n} ${u}`),
  fc.jsonValue(),
);
const fields = [
  "memory",
  "cpu",
  "latencyMax",
  "duration",
  "replicas",
  "functionImage",
  "functionLiveName",
  "dataFlow",
  "envVars",
  "envProcess",
  "inputMaxSize",
];

/** A valid SLA with one field replaced by junk or removed, or an arbitrary JSON value, or junk around the SLA. */
const putBodies = fc.oneof(
  fc
    .tuple(fc.constantFrom(...fields), fc.option(quantityLike, { nil: undefined }))
    .map(([field, value]) => ({ sla: { ...slaBody(), [field]: value }, targetNode: "root" })),
  fc.jsonValue(),
  fc.record({ sla: fc.jsonValue(), targetNode: fc.oneof(fc.string(), fc.jsonValue()) }),
);

async function send(method: string, path: string, body: unknown) {
  const answer = await request(`${path.startsWith("/api/bid") ? node.url : market.url}${path}`, {
    method,
    body,
    timeoutMs: 10_000,
  });
  return { status: answer.status, text: answer.text() };
}

function expectAnswered(status: number, text: string) {
  // 503 is the market's reasoned refusal ("no node could host"); any other 5xx is a crash
  if (status >= 500) expect(status, text).toBe(503);
  if (status >= 400 && status < 500) {
    const json = JSON.parse(text);
    expect(typeof json.error.message).toBe("string");
    if (status === 400 || status === 413) expect(typeof json.error.rule).toBe("string");
  }
}

describe("HTTP edges under fuzzing", () => {
  it("PUT /api/function answers every body with 2xx, 4xx or a reasoned 503", async () => {
    await fc.assert(
      fc.asyncProperty(putBodies, async (body) => {
        const { status, text } = await send("PUT", "/api/function", body);
        expectAnswered(status, text);
      }),
      { numRuns: 300 },
    );
    expect((await send("GET", "/api/health", undefined)).status).toBe(200);
  });

  it("POST /api/bid on a node answers every body with 2xx or 4xx", async () => {
    const bidBodies = fc.oneof(
      fc.jsonValue(),
      fc.record({ nodeOrigin: fc.string(), sla: fc.jsonValue(), accumulatedLatency: fc.jsonValue() }),
      fc
        .tuple(fc.constantFrom("median", "average", "medianUncertainty", "packetLoss", "bandwidth"), quantityLike)
        .map(([field, value]) => ({
          nodeOrigin: "root",
          sla: { ...slaBody(), id: "fuzz" },
          accumulatedLatency: {
            median: "0 s",
            average: "0 s",
            medianUncertainty: "0 s",
            packetLoss: "0 bp",
            bandwidth: "1 Gb/s",
            [field]: value,
          },
        })),
    );
    await fc.assert(
      fc.asyncProperty(bidBodies, async (body) => {
        const { status, text } = await send("POST", "/api/bid", body);
        expect(status, text).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it("answers invalid JSON with 400 and oversized bodies with 413", async () => {
    const bad = await send("PUT", "/api/function", "{not json");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.rule).toBe("valid JSON");
    const big = await send("PUT", "/api/function", {
      sla: { ...slaBody(), functionLiveName: "x".repeat(70_000) },
      targetNode: "root",
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text).error.rule).toMatch(/at most 65536 bytes/);
  });

  it("answers an unknown target node with 404 naming targetNode", async () => {
    const { status, text } = await send("PUT", "/api/function", { sla: slaBody(), targetNode: "nowhere" });
    expect(status).toBe(404);
    expect(JSON.parse(text).error).toMatchObject({ field: "targetNode", value: "nowhere" });
  });
});
