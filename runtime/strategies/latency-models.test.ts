import { describe, expect, it } from "vitest";
import { ConfigError } from "../protocol/errors.ts";
import { LATENCY_MODELS, latencyModel } from "./latency-models.ts";
import type { AccumulatedLatency } from "./types.ts";

function path(medianMs: number, uncertaintyMs = 0, packetLoss = 0, bandwidthBps = 80e9): AccumulatedLatency {
  return { medianMs, averageMs: medianMs, uncertaintyMs, packetLoss, bandwidthBps };
}

describe("tcp model (HEAD, Padhye)", () => {
  const tcp = LATENCY_MODELS.tcp;

  it("gives 6.5 × one-way for payloads within one window and no loss", () => {
    // o = 8 + 2 = 10 ms, RTT = 20 ms, transmission = RTT → 1.3 × (20 + 30) = 65.
    expect(tcp.estimateMs(path(8, 2), 1000)).toBeCloseTo(65, 9);
    expect(tcp.estimateMs(path(8, 2), 47 * 1024)).toBeCloseTo(65, 9);
    expect(tcp.estimateMs(path(3), 1)).toBeCloseTo(6.5 * 3, 9);
  });

  it("charges one RTT per 33-segment window beyond the first", () => {
    // 96 360 B = 66 segments = 2 windows: transmission = 2 × 20 → 1.3 × (40 + 30) = 91.
    expect(tcp.estimateMs(path(10), 66 * 1460)).toBeCloseTo(91, 9);
  });

  it("uses the loss term once loss is non-zero", () => {
    // 10 segments, RTT 20, p = 0.01: per segment 20·√(0.04/3) + 20·3√0.0075·0.01·1.0032 = 2.30940 + 0.05213;
    // × 10 = 23.6153 > 20 → 1.3 × (23.6153 + 30) = 69.6999.
    expect(tcp.estimateMs(path(10, 0, 0.01), 14_600)).toBeCloseTo(69.6999, 3);
  });

  it("handles RTT = 0 and empty payloads without NaN", () => {
    expect(tcp.estimateMs(path(0), 1000)).toBe(0);
    // With loss the timeout term still costs something: 1.3 × 10 × 0.05213.
    expect(tcp.estimateMs(path(0, 0, 0.01), 14_600)).toBeCloseTo(0.67766, 4);
    expect(tcp.estimateMs(path(10), 0)).toBeCloseTo(65, 9);
  });

  it("ignores bandwidth", () => {
    expect(tcp.estimateMs(path(10, 0, 0, 1), 1000)).toBe(tcp.estimateMs(path(10), 1000));
  });
});

describe("paper model (v3.0.0)", () => {
  const paper = LATENCY_MODELS.paper;

  it("adds size on the wire over the bottleneck to the one-way latency", () => {
    // 1460 B + 40 B header = 1500 B = 12 000 bit at 1 Mb/s = 12 ms; plus o = 4 + 1.
    expect(paper.estimateMs(path(4, 1, 0, 1e6), 1460)).toBeCloseTo(17, 9);
  });

  it("is infinite on a zero-bandwidth path, and zero-cost for an empty payload", () => {
    expect(paper.estimateMs(path(4, 1, 0, 0), 1460)).toBe(Infinity);
    expect(paper.estimateMs(path(4, 1, 0, 0), 0)).toBe(5);
  });
});

describe("latencyModel", () => {
  it("finds models by name", () => {
    expect(latencyModel("tcp")).toBe(LATENCY_MODELS.tcp);
    expect(latencyModel("paper").name).toBe("paper");
  });

  it("rejects unknown names with a ConfigError naming the field, value and choices", () => {
    const error = catchError(() => latencyModel("udp"));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe("latencyModel");
    expect((error as ConfigError).message).toMatch(/`latencyModel`.*tcp, paper.*"udp"/);
    expect(() => latencyModel("toString")).toThrow(ConfigError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
