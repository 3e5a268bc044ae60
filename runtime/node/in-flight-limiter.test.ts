import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InFlightLimiter, defaultMaxInFlight } from "./in-flight-limiter.ts";

const GiB = 1024 ** 3;

describe("InFlightLimiter", () => {
  it("allows max proposals per window and reopens a slot exactly 1000 ms after it was taken", () => {
    const l = new InFlightLimiter(2);
    expect(l.tryAcquire(0)).toBe(true);
    expect(l.tryAcquire(400)).toBe(true);
    expect(l.tryAcquire(999)).toBe(false);
    expect(l.inWindow(999)).toBe(2);
    expect(l.tryAcquire(1000)).toBe(true); // the slot from t=0 has left (0, 1000]
    expect(l.tryAcquire(1399)).toBe(false);
    expect(l.tryAcquire(1400)).toBe(true);
    expect(l.inWindow(1400)).toBe(2);
    expect(l.inWindow(5000)).toBe(0);
  });

  it("does not count refused attempts", () => {
    const l = new InFlightLimiter(1);
    expect(l.tryAcquire(0)).toBe(true);
    for (let t = 1; t < 1000; t += 100) expect(l.tryAcquire(t)).toBe(false);
    expect(l.tryAcquire(1000)).toBe(true);
  });

  it("is not fooled by a quiet spell or a burst across a second boundary (the even/odd counters were)", () => {
    const l = new InFlightLimiter(3);
    expect([990, 995, 999].map((t) => l.tryAcquire(t))).toEqual([true, true, true]);
    // GIRAFF's odd-second counter would admit 3 more at t=1000..1002.
    expect([1000, 1001, 1002].map((t) => l.tryAcquire(t))).toEqual([false, false, false]);
    expect(l.tryAcquire(60_000)).toBe(true);
  });

  it("treats a clock stepping backwards as no time passing", () => {
    const l = new InFlightLimiter(1);
    expect(l.tryAcquire(5000)).toBe(true);
    expect(l.tryAcquire(-10_000)).toBe(false);
    expect(l.tryAcquire(6000)).toBe(true);
  });

  it("never admits more than max in any 1000 ms window", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 100 }),
        (max, gaps) => {
          const l = new InFlightLimiter(max);
          const accepted: number[] = [];
          let t = 0;
          for (const gap of gaps) {
            t += gap;
            if (l.tryAcquire(t)) accepted.push(t);
          }
          for (const a of accepted)
            expect(accepted.filter((x) => x >= a && x < a + 1000).length).toBeLessThanOrEqual(max);
        },
      ),
    );
  });

  it("rejects a max below 1", () => {
    expect(() => new InFlightLimiter(0)).toThrow(/≥ 1/);
    expect(() => new InFlightLimiter(1.5)).toThrow(RangeError);
  });
});

describe("defaultMaxInFlight", () => {
  it("is ⌈MiB / 100⌉ as in GIRAFF's testbed, at least 1", () => {
    expect(defaultMaxInFlight(78 * GiB)).toBe(799);
    expect(defaultMaxInFlight(7 * GiB)).toBe(72);
    expect(defaultMaxInFlight(100 * 1024 * 1024)).toBe(1);
    expect(defaultMaxInFlight(0)).toBe(1);
  });
});
