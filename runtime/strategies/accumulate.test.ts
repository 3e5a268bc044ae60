import { describe, expect, it } from "vitest";
import { ZERO_LATENCY } from "../protocol/messages.ts";
import { accumulate } from "./accumulate.ts";
import { link } from "./testing/fixtures.ts";

describe("accumulate", () => {
  const acc = { medianMs: 2, averageMs: 3, uncertaintyMs: 3, packetLoss: 0.1, bandwidthBps: 1e9 };

  it("sums medians and averages, and adds uncertainties in quadrature with IQR / 1.349", () => {
    // hop σ = 5.396 / 1.349 = 4, so the new uncertainty is √(3² + 4²) = 5.
    const next = accumulate(acc, link(5, { averageMs: 6, iqrMs: 5.396 }), 5e8);
    expect(next.medianMs).toBe(7);
    expect(next.averageMs).toBe(9);
    expect(next.uncertaintyMs).toBeCloseTo(5, 12);
  });

  it("compounds packet loss as 1 − (1 − a)(1 − b), not a × b (GIRAFF bug §17.4)", () => {
    expect(accumulate(acc, link(1, { packetLoss: 0.2 }), 1e9).packetLoss).toBeCloseTo(0.28, 12);
    // From a lossless start the hop's loss must survive; GIRAFF's product would give 0 here.
    expect(accumulate(ZERO_LATENCY, link(1, { packetLoss: 0.01 }), 1e9).packetLoss).toBeCloseTo(0.01, 12);
  });

  it("keeps the bottleneck bandwidth", () => {
    expect(accumulate(acc, link(1), 5e8).bandwidthBps).toBe(5e8);
    expect(accumulate(acc, link(1), 1e10).bandwidthBps).toBe(1e9);
    expect(accumulate(ZERO_LATENCY, link(1), 1e8).bandwidthBps).toBe(1e8);
  });

  it("does not change its input", () => {
    const before = { ...acc };
    accumulate(acc, link(4, { iqrMs: 2, packetLoss: 0.5 }), 1);
    expect(acc).toEqual(before);
  });
});
