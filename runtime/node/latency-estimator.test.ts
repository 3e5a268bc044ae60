import { describe, expect, it } from "vitest";
import { LatencyEstimator } from "./latency-estimator.ts";

describe("LatencyEstimator", () => {
  it("has no estimate until 4 rounds with replies, then reports median, IQR, EMA and loss", () => {
    const est = new LatencyEstimator();
    const means = [10, 20, 30, 40];
    for (const [i, m] of means.entries()) {
      expect(est.estimate("p")).toBeUndefined();
      est.record("p", { samplesMs: [m - 1, m + 1], sent: 2, now: 1000 * i });
    }
    // EMA(0.3): 10 → 13 → 18.1 → 24.67; median (20+30)/2; n=4: Q1=(10+20)/2, Q3=(30+40)/2
    const e = est.estimate("p");
    expect(e?.medianMs).toBe(25);
    expect(e?.iqrMs).toBe(20);
    expect(e?.averageMs).toBeCloseTo(24.67, 10);
    expect(e?.packetLoss).toBe(0);
    expect(est.lastRoundAt("p")).toBe(3000);
  });

  it("keeps sub-millisecond precision (fix of giraff.md §17.5)", () => {
    const est = new LatencyEstimator();
    for (let i = 0; i < 4; i++) est.record("p", { samplesMs: [0.2, 0.3], sent: 2, now: i });
    expect(est.estimate("p")?.medianMs).toBeCloseTo(0.25, 12);
  });

  it("computes round loss and the loss ring; an all-lost round counts as loss without a latency sample", () => {
    const est = new LatencyEstimator();
    for (let i = 0; i < 4; i++) est.record("p", { samplesMs: [5, 5, 5, 5], sent: 5, now: i });
    // loss ring: 0.2 ×4
    expect(est.estimate("p")?.packetLoss).toBeCloseTo(0.2, 12);
    const snap = est.record("p", { samplesMs: [], sent: 5, now: 9 });
    // loss ring: 0.2 ×4 + 1 → 1.8 / 5 = 0.36; latency unchanged
    expect(snap).toEqual({
      neighborId: "p",
      rawMs: 5,
      averageMs: 5,
      medianMs: 5,
      iqrMs: 0,
      rawPacketLoss: 1,
      packetLoss: expect.closeTo(0.36, 12) as number,
    });
    expect(est.rounds("p")).toBe(5);
  });

  it("does not count all-lost rounds towards the 4 needed for an estimate", () => {
    const est = new LatencyEstimator();
    for (let i = 0; i < 3; i++) est.record("p", { samplesMs: [1], sent: 1, now: i });
    expect(est.record("p", { samplesMs: [], sent: 5, now: 3 })).toBeUndefined();
    expect(est.record("p", { samplesMs: [1], sent: 1, now: 4 })).toBeDefined();
  });

  it("snapshots every estimated neighbour in id order, and forgets on demand", () => {
    const est = new LatencyEstimator();
    for (let i = 0; i < 4; i++) {
      est.record("b", { samplesMs: [2], sent: 1, now: i });
      est.record("a", { samplesMs: [1], sent: 1, now: i });
    }
    est.record("c", { samplesMs: [1], sent: 1, now: 0 });
    expect(est.snapshot().map((s) => s.neighborId)).toEqual(["a", "b"]);
    est.forget("a");
    expect(est.estimate("a")).toBeUndefined();
    expect(est.rounds("a")).toBe(0);
    expect(est.snapshot().map((s) => s.neighborId)).toEqual(["b"]);
  });

  it("rejects inconsistent rounds", () => {
    const est = new LatencyEstimator();
    expect(() => est.record("p", { samplesMs: [1, 2], sent: 1, now: 0 })).toThrow(RangeError);
    expect(() => est.record("p", { samplesMs: [], sent: 0, now: 0 })).toThrow(RangeError);
    expect(() => est.record("p", { samplesMs: [-1], sent: 1, now: 0 })).toThrow(/≥ 0/);
    expect(() => new LatencyEstimator({ medianWindow: 2 })).toThrow(RangeError);
  });
});

describe("round statistics", () => {
  it("turns a round into its mean, median or minimum", () => {
    const round = { samplesMs: [5, 5.2, 40, 5.1, 5.3], sent: 5, now: 0 };
    const value = (roundStatistic: "mean" | "median" | "min") => {
      const e = new LatencyEstimator({ roundStatistic });
      for (let i = 0; i < 4; i++) e.record("n", round);
      return e.estimate("n")!.medianMs;
    };
    expect(value("mean")).toBeCloseTo(12.12, 9);
    expect(value("median")).toBe(5.2);
    expect(value("min")).toBe(5);
  });
});
