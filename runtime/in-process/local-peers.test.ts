import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deliverLocally, LocalCallTimeout, LocalPeerDirectory, messageBytes } from "./local-peers.ts";
import { probeRoundLocally } from "./probe-batch.ts";

describe("in-process delivery", () => {
  it("applies the link's delay in both directions and its rate to each message", async () => {
    const started = performance.now();
    const answer = await deliverLocally({ delayMs: 15 }, 5000, "ping", async (r) => `${r}/pong`);
    expect(answer).toBe("ping/pong");
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);

    // 8 kbit/s: the 2-byte request and the 5-byte answer each take (bytes + 300 framing) ms
    const slow = performance.now();
    await deliverLocally({ delayMs: 0, rateBps: 8000 }, 5000, "a", async () => "bcd");
    expect(performance.now() - slow).toBeGreaterThanOrEqual(303 + 305);
  });

  it("times out like an HTTP call when the peer does not answer in time, and passes its errors on", async () => {
    const never = new Promise<string>(() => undefined);
    await expect(deliverLocally(undefined, 30, "x", () => never)).rejects.toBeInstanceOf(LocalCallTimeout);
    await expect(deliverLocally(undefined, 1000, "x", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });

  it("finds only peers that are alive, and probes over the emulated round trip", async () => {
    const directory = new LocalPeerDirectory();
    let alive = true;
    const peer = {
      callForBids: () => Promise.resolve({ bids: [] }),
      accept: (slaId: string) => ({ slaId, nodeId: "n", bidId: "b" }),
      alive: () => alive,
    };
    directory.add("http://127.0.0.1:1", peer);
    expect(directory.lookup("http://127.0.0.1:1")).toBe(peer);
    expect(directory.lookup("http://127.0.0.1:2")).toBeUndefined();
    expect((await probeRoundLocally({ delayMs: 10 }, peer, 1))[0]).toBeGreaterThanOrEqual(20);
    alive = false;
    expect(directory.lookup("http://127.0.0.1:1")).toBeUndefined();
    expect((await probeRoundLocally(undefined, peer, 1))[0]).toBeUndefined();
    directory.remove("http://127.0.0.1:1");
    expect(directory.size).toBe(0);
  });
});

describe("messageBytes", () => {
  it("is the byte length of the message as JSON, answers of a flood included", () => {
    const bid = fc.record(
      {
        nodeId: fc.string(),
        id: fc.uuid(),
        bid: fc.double({ noNaN: true, noDefaultInfinity: true }),
        mac: fc.string(),
      },
      { requiredKeys: ["nodeId", "id", "bid"] },
    );
    const refusal = fc.record(
      { nodeId: fc.string(), reason: fc.string(), detail: fc.string() },
      { requiredKeys: ["nodeId", "reason"] },
    );
    const answer = fc.oneof(
      fc.record({ bids: fc.array(bid) }),
      fc.record({ bids: fc.array(bid), refusals: fc.array(refusal) }),
      fc.record({ bids: fc.array(bid), refusals: fc.constant(undefined) }),
      fc.jsonValue(),
      fc.anything({ withObjectString: true, withNullPrototype: true }),
      fc.record({
        nodeOrigin: fc.string(),
        sla: fc.object(),
        accumulatedLatency: fc.object(),
        budgetMs: fc.option(fc.double(), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(answer, (message) => {
        expect(messageBytes(message)).toBe(Buffer.byteLength(JSON.stringify(message) ?? ""));
        // sizes are cached per element: a second measure (as at the next hop) gives the same answer
        expect(messageBytes(message)).toBe(Buffer.byteLength(JSON.stringify(message) ?? ""));
      }),
    );
  });

  it("measures a call for bids once per SLA, within a few bytes of every forwarded copy", () => {
    const sla = { id: "sla-1", memoryBytes: 1e8, cpuMilli: 100, functionLiveName: "f", envVars: [["A", "b"]] };
    const request = (origin: string, medianMs: number, budgetMs: number) => ({
      nodeOrigin: origin,
      sla,
      accumulatedLatency: { medianMs, averageMs: medianMs, uncertaintyMs: 0.5, packetLoss: 0, bandwidthBps: 1e9 },
      budgetMs,
    });
    const first = request("0b8f5f4e-1111-2222-3333-444455556666", 0, 4950);
    expect(messageBytes(first)).toBe(Buffer.byteLength(JSON.stringify(first)));
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.integer({ min: 0, max: 5000 }),
        (o, m, b) => {
          const hop = request(o, m, b);
          expect(Math.abs(messageBytes(hop) - Buffer.byteLength(JSON.stringify(hop)))).toBeLessThanOrEqual(64);
        },
      ),
    );
  });
});
