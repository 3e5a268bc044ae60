import { describe, expect, it } from "vitest";
import type { Plan } from "./plan-schema.ts";
import { planTail } from "./plan-timing.ts";
import { echoChainPlan } from "./testing/echo-pipeline.ts";

const base = echoChainPlan({
  experimentDurationS: 60,
  seed: "plan-timing",
  laws: { stopOverheadMs: 5000, minDurationMs: 6000 },
});

const withChains = (chains: [arrivalS: number, durationMs: number][]): Plan => ({
  ...base,
  chains: chains.map(([arrivalS, durationMs], i) => ({ ...base.chains[0]!, id: `c${i}`, arrivalS, durationMs })),
});

describe("planTail", () => {
  it("measures from the last arrival to the last IoT window's end and the last reservation's end", () => {
    // the early long chain ends last: 10 + 40 = 50 s, 20 s after the last arrival (30 s); its window 5 s earlier
    expect(
      planTail(
        withChains([
          [10, 40_000],
          [30, 8_000],
          [20, 12_000],
        ]),
      ),
    ).toEqual({
      lastRequestS: 15,
      lastReservationS: 20,
    });
  });

  it("rounds up, and never goes below zero", () => {
    expect(planTail(withChains([[30, 5_500]]))).toEqual({ lastRequestS: 1, lastReservationS: 6 });
    expect(planTail(withChains([[30, 4_000]]))).toEqual({ lastRequestS: 0, lastReservationS: 4 });
    expect(planTail({ ...base, chains: [] })).toEqual({ lastRequestS: 0, lastReservationS: 0 });
  });
});
