import { describe, expect, it } from "vitest";
import { ZERO_LATENCY } from "../protocol/messages.ts";
import { latencyFeasible } from "./feasibility.ts";
import { LATENCY_MODELS } from "./latency-models.ts";
import { link, makeSla } from "./testing/fixtures.ts";
import { REASONS, type NeighbourView } from "./types.ts";

const neighbour = (latency: NeighbourView["latency"]): NeighbourView => ({
  id: "n",
  role: "child",
  latency,
  bandwidthBps: 1e9,
});

describe("latencyFeasible", () => {
  it("refuses a neighbour whose latency is not known yet", () => {
    const check = latencyFeasible(neighbour(undefined), ZERO_LATENCY, makeSla(), LATENCY_MODELS.tcp);
    expect(check).toMatchObject({ ok: false, reason: REASONS.latencyUnknown });
  });

  it("refuses when the worst case exceeds latencyMax, giving estimate and bound", () => {
    // tcp: 6.5 × 10 ms = 65 ms > 40 ms.
    const check = latencyFeasible(neighbour(link(10)), ZERO_LATENCY, makeSla({ latencyMaxMs: 40 }), LATENCY_MODELS.tcp);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.reason).toBe(REASONS.latencyTooHigh);
    expect(check.detail).toMatch(/65 ms.*latencyMax 40 ms/);
  });

  it("accepts within the bound and returns the accumulated latency to forward", () => {
    const acc = { ...ZERO_LATENCY, medianMs: 3 };
    const check = latencyFeasible(neighbour(link(2)), acc, makeSla({ latencyMaxMs: 40 }), LATENCY_MODELS.tcp);
    expect(check).toMatchObject({ ok: true, estimateMs: 32.5 });
    if (check.ok) expect(check.acc).toMatchObject({ medianMs: 5, bandwidthBps: 1e9 });
  });

  it("treats an estimate equal to latencyMax as feasible", () => {
    const sla = makeSla({ latencyMaxMs: 10, inputMaxSizeBytes: 0 });
    expect(latencyFeasible(neighbour(link(10)), ZERO_LATENCY, sla, LATENCY_MODELS.paper).ok).toBe(true);
  });
});
