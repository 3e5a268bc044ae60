// The Poisson schedule, tested directly: seeded, open-loop, right mean, exponential gaps.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../util/seeded-random.ts";
import { poissonArrivals } from "./schedule.ts";

describe("poissonArrivals", () => {
  it("starts at 0, stays within the duration and is reproducible from its seed", () => {
    const a = [...poissonArrivals(seededRandom("1", "fn-a"), 100, 5_000)];
    const b = [...poissonArrivals(seededRandom("1", "fn-a"), 100, 5_000)];
    const c = [...poissonArrivals(seededRandom("1", "fn-b"), 100, 5_000)];
    expect(a[0]).toBe(0);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.max(...a)).toBeLessThanOrEqual(5_000);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
  });

  it("has gaps with mean intervalMs and the spread of an exponential law", () => {
    const meanMs = 50;
    const at = [...poissonArrivals(seededRandom("7", "stats"), meanMs, 1_000_000)];
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    // ~20 000 gaps: the standard error of the mean is 0.7 %; 5 % is generous
    expect(gaps.length).toBeGreaterThan(19_000);
    expect(Math.abs(mean / meanMs - 1)).toBeLessThan(0.05);
    // an exponential law has sd = mean, and P(gap > mean) = 1/e
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.05);
    const above = gaps.filter((g) => g > meanMs).length / gaps.length;
    expect(Math.abs(above - Math.exp(-1))).toBeLessThan(0.02);
  });

  it("yields one arrival for a duration shorter than any gap", () => {
    expect([...poissonArrivals(() => 0.999, 1_000, 1)]).toEqual([0]);
  });
});
