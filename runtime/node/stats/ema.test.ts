import { describe, expect, it } from "vitest";
import { Ema } from "./ema.ts";

describe("Ema", () => {
  it("starts at the first sample and then weighs new samples by alpha", () => {
    const ema = new Ema(0.3);
    expect(ema.value).toBeUndefined();
    expect(ema.push(10)).toBe(10);
    // 0.3·20 + 0.7·10 = 13; 0.3·0 + 0.7·13 = 9.1
    expect(ema.push(20)).toBeCloseTo(13, 12);
    expect(ema.push(0)).toBeCloseTo(9.1, 12);
    expect(ema.value).toBeCloseTo(9.1, 12);
  });

  it("alpha 1 follows the last sample and alpha 0 keeps the first", () => {
    const last = new Ema(1);
    const first = new Ema(0);
    for (const x of [3, 8, 5]) {
      last.push(x);
      first.push(x);
    }
    expect(last.value).toBe(5);
    expect(first.value).toBe(3);
  });

  it("rejects alpha outside [0, 1] and non-finite samples", () => {
    expect(() => new Ema(1.5)).toThrow(/\[0, 1\]/);
    expect(() => new Ema(Number.NaN)).toThrow(RangeError);
    expect(() => new Ema(0.3).push(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});
