/** Arrivals from one open-loop Poisson realisation, and the interval/duration arithmetic. */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../runtime/util/seeded-random.ts";
import { ksCriticalValue, ksStatistic } from "../testing/ks.ts";
import { arrivalSeconds, openLoopPoissonArrivals } from "./arrivals.ts";
import { reservationDurationMs, scaledMs, scaleResources } from "./intervals.ts";

describe("openLoopPoissonArrivals", () => {
  it.each([1, 2, 7, 48, 500])("gives %i sorted arrivals within [0, duration], also in whole seconds", (n) => {
    const arrivals = openLoopPoissonArrivals(seededRandom("arrivals", n), n, 600);
    expect(arrivals).toHaveLength(n);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    expect(arrivals.every((t) => t >= 0 && t <= 600)).toBe(true);
    const seconds = arrivalSeconds(arrivals);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(seconds.every((t) => Number.isInteger(t) && t >= 0 && t <= 600)).toBe(true);
  });

  it("is one realisation: its points are uniform over the window (KS at α = 0.01)", () => {
    const arrivals = openLoopPoissonArrivals(seededRandom("uniform"), 4000, 600);
    expect(ksStatistic(arrivals, (x) => x / 600)).toBeLessThan(ksCriticalValue(4000, 0.01));
  });

  it("is deterministic for a seed and gives nothing for n = 0", () => {
    expect(openLoopPoissonArrivals(seededRandom("d"), 10, 60)).toEqual(
      openLoopPoissonArrivals(seededRandom("d"), 10, 60),
    );
    expect(openLoopPoissonArrivals(seededRandom("d"), 0, 60)).toEqual([]);
    expect(() => openLoopPoissonArrivals(seededRandom("d"), -1, 60)).toThrow(/non-negative integer/);
  });
});

describe("intervals and durations", () => {
  it("rounds ⌈|multiplier × draw|⌉ ms, at least 1", () => {
    expect(scaledMs(0.1571, 40_000)).toBe(6284);
    expect(scaledMs(-0.5, 10)).toBe(5);
    expect(scaledMs(1e-12, 10)).toBe(1);
  });

  it("adds the overheads and applies the minimum: max(d + COLD_START + STOP, MIN_DURATION)", () => {
    const overheads = { coldStartMs: 1000, stopMs: 120_000, minDurationMs: 200_000 };
    expect(reservationDurationMs(50_000, overheads)).toBe(200_000);
    expect(reservationDurationMs(500_000, overheads)).toBe(621_000);
  });

  it("[paper] scales mem and cpu when the stream is faster than expected, and only then", () => {
    expect(scaleResources({ memoryMiB: 120, cpuMilli: 100 }, 500, 200)).toEqual({
      memoryMiB: 300,
      cpuMilli: 250,
      ratio: 2.5,
    });
    expect(scaleResources({ memoryMiB: 120, cpuMilli: 100 }, 500, 1000)).toEqual({
      memoryMiB: 120,
      cpuMilli: 100,
      ratio: 1,
    });
  });
});
