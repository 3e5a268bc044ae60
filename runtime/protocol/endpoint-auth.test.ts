import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAgreementKeys } from "./bid-mac.ts";
import {
  callSigningText,
  deriveLinkKey,
  HMAC_AUTH,
  NO_AUTH,
  paymentSigningText,
  provisionSigningText,
  refusalSigningText,
} from "./endpoint-auth.ts";
import { bidRequestSchema, formatBidRequest, type BidRequest } from "./messages.ts";
import { parseWith } from "./validate.ts";

const request = (overrides: Partial<BidRequest> = {}): BidRequest => ({
  nodeOrigin: "parent",
  sla: {
    id: "sla-1",
    memoryBytes: 123_456_789,
    cpuMilli: 150,
    latencyMaxMs: 123.456,
    durationMs: 60_000,
    replicas: 1,
    functionImage: "fn_echo",
    functionLiveName: "echo-1",
    dataFlow: [{ from: "thisFunction", to: { dataSource: "n1" } }],
    envVars: [["A", "1"]],
    inputMaxSizeBytes: 1500,
  },
  accumulatedLatency: { medianMs: 1.25, averageMs: 1.5, uncertaintyMs: 0.1, packetLoss: 0.01, bandwidthBps: 1e9 },
  budgetMs: 4321.123,
  ...overrides,
});

describe("endpoint authentication", () => {
  it("gives both ends of a link the same key, bound to the pair", () => {
    const parent = generateAgreementKeys();
    const child = generateAgreementKeys();
    const atParent = deriveLinkKey(parent.privateKey, child.publicKey, "p", "c")!;
    expect(deriveLinkKey(child.privateKey, parent.publicKey, "p", "c")!.equals(atParent)).toBe(true);
    expect(deriveLinkKey(child.privateKey, parent.publicKey, "p", "d")!.equals(atParent)).toBe(false);
    expect(deriveLinkKey(child.privateKey, "junk", "p", "c")).toBeUndefined();
  });

  it("checks a call for bids after it crossed the wire, and nothing changed in it", () => {
    const key = Buffer.alloc(32, 7);
    const sent = request();
    const mac = HMAC_AUTH.mac(key, () => callSigningText("child", sent))!;
    const received = parseWith(bidRequestSchema, JSON.parse(JSON.stringify(formatBidRequest({ ...sent, mac }))));
    expect(HMAC_AUTH.verify(key, () => callSigningText("child", received), received.mac)).toBe(true);
    // another receiver, budget, SLA field or key: refused
    expect(HMAC_AUTH.verify(key, () => callSigningText("other", received), mac)).toBe(false);
    expect(HMAC_AUTH.verify(key, () => callSigningText("child", { ...received, budgetMs: 9999 }), mac)).toBe(false);
    const bigger = { ...received, sla: { ...received.sla, durationMs: 20 * 86_400_000 } };
    expect(HMAC_AUTH.verify(key, () => callSigningText("child", bigger), mac)).toBe(false);
    expect(HMAC_AUTH.verify(Buffer.alloc(32, 8), () => callSigningText("child", received), mac)).toBe(false);
    expect(HMAC_AUTH.verify(undefined, () => callSigningText("child", received), mac)).toBe(false);
  });

  it("keeps a call's MAC valid across the wire for any quantities (property)", () => {
    const key = Buffer.alloc(32, 1);
    fc.assert(
      fc.property(
        fc.double({ min: 1e6, max: 1e12, noNaN: true }),
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        fc.double({ min: 1e-3, max: 3_600_000, noNaN: true }),
        fc.double({ min: 0, max: 3_600_000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 600_000, noNaN: true }),
        (memoryBytes, cpuMilli, latencyMaxMs, medianMs, packetLoss, budgetMs) => {
          const base = request();
          const sent = request({
            sla: { ...base.sla, memoryBytes, cpuMilli, latencyMaxMs },
            accumulatedLatency: { ...base.accumulatedLatency, medianMs, averageMs: medianMs, packetLoss },
            budgetMs,
          });
          const mac = HMAC_AUTH.mac(key, () => callSigningText("child", sent));
          const wire = JSON.parse(JSON.stringify(formatBidRequest({ ...sent, mac })));
          const received = parseWith(bidRequestSchema, wire);
          expect(HMAC_AUTH.verify(key, () => callSigningText("child", received), received.mac)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never lets a MAC made for one command check for another", () => {
    const key = Buffer.alloc(32, 3);
    const pay = HMAC_AUTH.mac(key, () => paymentSigningText("s", "n", "b", 2))!;
    expect(HMAC_AUTH.verify(key, () => paymentSigningText("s", "n", "b", 2), pay)).toBe(true);
    expect(HMAC_AUTH.verify(key, () => provisionSigningText("s", "n", "b", 2), pay)).toBe(false);
    expect(HMAC_AUTH.verify(key, () => paymentSigningText("s", "n", "b", 3), pay)).toBe(false);
    const refusal = { nodeId: "a", reason: "x\ny", detail: "z" };
    const shifted = { nodeId: "a", reason: "x", detail: "y\nz" };
    expect(refusalSigningText("s", refusal)).not.toBe(refusalSigningText("s", shifted));
  });

  it("NO_AUTH (the benchmark's) trusts everything and MACs nothing", () => {
    expect(NO_AUTH.mac(Buffer.alloc(32), () => "x")).toBeUndefined();
    expect(NO_AUTH.verify(undefined, () => "x", undefined)).toBe(true);
  });
});
