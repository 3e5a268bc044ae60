// The CPU throttle of dense instances, in-process on a simulated clock: a burn in 10 ms slices at a given share.
import { describe, expect, it } from "vitest";
import { CpuThrottle } from "./cpu-throttle.ts";

/** Burns `totalMs` of CPU in `sliceMs` slices under `throttle`, waiting when told; returns the wall time taken. */
function simulateBurn(throttle: CpuThrottle, totalMs: number, sliceMs = 10): number {
  let now = 0;
  let burnt = 0;
  while (burnt < totalMs) {
    const wait = throttle.waitMs(now);
    now += wait;
    const slice = Math.min(sliceMs, totalMs - burnt);
    now += slice;
    burnt += slice;
    throttle.spend(now, slice, wait);
  }
  return now;
}

describe("CpuThrottle", () => {
  it("lets an unlimited instance burn at once, and only counts", () => {
    const throttle = new CpuThrottle({ milliCpu: undefined });
    expect(simulateBurn(throttle, 500)).toBe(500);
    expect(throttle).toMatchObject({ busyMs: 500, throttledMs: 0 });
  });

  it.each([100, 250, 500, 1000])("holds a %i-millicore instance to its share over a long burn", (milliCpu) => {
    const throttle = new CpuThrottle({ milliCpu });
    const wallMs = simulateBurn(throttle, 2_000);
    const share = milliCpu / 1000;
    // used ≤ share × wall + one period's quota (100 ms × share) + one slice that starts on a positive bucket
    expect(wallMs).toBeGreaterThanOrEqual((2_000 - 100 * share - 10) / share - 1e-3);
    expect(wallMs).toBeLessThanOrEqual(2_000 / share + 10 / share);
    expect(throttle.busyMs).toBe(2_000);
    expect(throttle.throttledMs).toBeCloseTo(wallMs - 2_000, 3);
  });

  it("treats a zero limit as none rather than never running", () => {
    expect(simulateBurn(new CpuThrottle({ milliCpu: 0 }), 100)).toBe(100);
  });
});
