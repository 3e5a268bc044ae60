import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  formatBandwidth,
  formatCpu,
  formatMemory,
  formatRatio,
  formatTime,
  parseQuantity,
  tryParseQuantity,
} from "./quantities.ts";
import { ProtocolError } from "./errors.ts";

describe("quantities (giraff.md §2.2)", () => {
  it.each([
    ["memory", "1000 kilobytes", 1e6],
    ["memory", "48 KiB", 49152],
    ["memory", "0.5 gigabytes", 5e8],
    ["memory", "500 MB", 5e8],
    ["memory", "500MB", 5e8],
    ["memory", "1500 B", 1500],
    ["memory", "8 b", 1],
    ["memory", "52 Kib", 52 * 128],
    ["memory", "79872 MiB", 79872 * 1024 * 1024],
    ["cpu", "0.31 cpu", 310],
    ["cpu", "500 millicpu", 500],
    ["cpu", "34 cpus", 34000],
    ["cpu", "1000.0 m", 1000],
    ["time", "37 ms", 37],
    ["time", "0.037 s", 37],
    ["time", "600000 ms", 600000],
    ["time", "1e-3 s", 1],
    ["ratio", "100 bp", 0.01],
    ["ratio", "1 %", 0.01],
    ["bandwidth", "1 Gb/s", 1e9],
    ["bandwidth", "100 Mb/s", 1e8],
    ["bandwidth", "1000 kB/s", 8e6],
    ["bandwidth", "80000000000 b/s", 8e10],
  ] as const)("parses %s %j", (kind, text, expected) => {
    expect(tryParseQuantity(kind, text)).toBeCloseTo(expected, 9);
  });

  it.each([
    ["memory", "500"],
    ["memory", "500 cpu"],
    ["memory", "five MB"],
    ["memory", "500 M B"],
    ["cpu", "1 MB"],
    ["time", "10 parsecs"],
    ["bandwidth", "10 Mb"],
    ["bandwidth", "10 Mb/fortnight"],
    ["memory", "1e999 MB"],
    ["memory", "constructor"],
    ["cpu", "1 __proto__"],
  ] as const)("rejects %s %j", (kind, text) => {
    expect(tryParseQuantity(kind, text)).toBeUndefined();
  });

  it("names the field and the rule when parsing fails", () => {
    try {
      parseQuantity("memory", "12 furlongs", "sla.memory");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      const e = err as ProtocolError;
      expect(e.field).toBe("sla.memory");
      expect(e.rule).toMatch(/memory quantity/);
      expect(e.message).toContain("12 furlongs");
    }
  });

  it("serialises in GIRAFF's units", () => {
    expect(formatMemory(5e8)).toBe("500 MB");
    expect(formatCpu(310)).toBe("310 m");
    expect(formatTime(37)).toBe("0.037 s");
    expect(formatRatio(0.01)).toBe("100 bp");
    expect(formatBandwidth(1e9)).toBe("1000000000 b/s");
  });

  it("round-trips every kind through its wire form", () => {
    const cases = [
      ["memory", formatMemory],
      ["cpu", formatCpu],
      ["time", formatTime],
      ["ratio", formatRatio],
    ] as const;
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 3 }), (value, k) => {
        const [kind, format] = cases[k]!;
        const back = tryParseQuantity(kind, format(value));
        expect(back).toBeDefined();
        expect(Math.abs(back! - value) / value).toBeLessThan(1e-12);
      }),
    );
  });
});
