import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MovingMedian, quartiles, summarizeSorted } from "./moving-median.ts";

function fill(window: number, values: number[]): MovingMedian {
  const m = new MovingMedian(window);
  for (const v of values) m.push(v);
  return m;
}

describe("MovingMedian", () => {
  it("matches GIRAFF's unit case with 11 values (n mod 4 = 3)", () => {
    // Pushed out of order on purpose: the summary must not depend on arrival order.
    const s = fill(50, [43, 6, 49, 15, 36, 7, 40, 39, 47, 41, 42]).summary();
    expect(s).toEqual({ median: 40, q1: 15, q3: 43, iqr: 28, count: 11 });
  });

  it("matches GIRAFF's unit case with 6 values (n mod 4 = 2)", () => {
    const s = fill(50, [41, 7, 40, 15, 39, 36]).summary();
    expect(s).toEqual({ median: 37.5, q1: 15, q3: 40, iqr: 25, count: 6 });
  });

  it("averages around the quartile index when n mod 4 is 0 or 1", () => {
    // n = 4: Q1 = (s[0]+s[1])/2, Q3 = (s[2]+s[3])/2, median = (s[1]+s[2])/2
    expect(summarizeSorted([1, 2, 4, 8])).toEqual({ median: 3, q1: 1.5, q3: 6, iqr: 4.5, count: 4 });
    // n = 5: Q1 index 1 → (1+2)/2, Q3 index 3 → (4+8)/2, median s[2]
    expect(quartiles([1, 2, 4, 8, 16])).toEqual({ q1: 1.5, q3: 6 });
    // n = 7 (mod 4 = 3): Q1 = s[1], Q3 = s[5]
    expect(quartiles([1, 2, 3, 4, 5, 6, 7])).toEqual({ q1: 2, q3: 6 });
  });

  it("returns nothing until 4 samples exist", () => {
    const m = fill(50, [1, 2, 3]);
    expect(m.summary()).toBeUndefined();
    m.push(4);
    expect(m.summary()?.median).toBe(2.5);
  });

  it("keeps only the last `window` samples", () => {
    const m = fill(4, [100, 100, 1, 2, 3, 4]);
    expect(m.count).toBe(4);
    expect(m.summary()).toMatchObject({ median: 2.5, q1: 1.5, q3: 3.5 });
  });

  it("rejects windows below 4", () => {
    expect(() => new MovingMedian(3)).toThrow(/≥ 4/);
  });

  it("agrees with sorting the last `window` samples from scratch", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 60 }),
        (window, values) => {
          const expected = summarizeSorted(values.slice(-window).sort((a, b) => a - b));
          expect(fill(window, values).summary()).toEqual(expected);
        },
      ),
    );
  });
});
