import { describe, expect, it } from "vitest";
import { MeanRing } from "./mean-ring.ts";

describe("MeanRing", () => {
  it("is empty at first, then averages what it holds", () => {
    const ring = new MeanRing(3);
    expect(ring.mean()).toBeUndefined();
    ring.push(0.5);
    expect(ring.mean()).toBe(0.5);
    ring.push(0);
    expect(ring.mean()).toBe(0.25);
  });

  it("forgets the oldest values once full", () => {
    const ring = new MeanRing(3);
    for (const x of [1, 2, 3, 4, 5]) ring.push(x);
    // holds 3, 4, 5
    expect(ring.count).toBe(3);
    expect(ring.mean()).toBe(4);
  });

  it("rejects bad sizes and values", () => {
    expect(() => new MeanRing(0)).toThrow(RangeError);
    expect(() => new MeanRing(2.5)).toThrow(RangeError);
    expect(() => new MeanRing(2).push(Number.NaN)).toThrow(/finite/);
  });
});
