import { describe, expect, it } from "vitest";
import { ConfigError } from "../../protocol/errors.ts";
import { makeSla } from "../testing/fixtures.ts";
import type { ValuationInput, ValuationParams } from "../types.ts";
import {
  committedLoad,
  cpuUtilisation,
  fullCommittedLoad,
  linear,
  quadratic,
  quadraticGiraff,
  quadraticPlugin,
  valuation,
  VALUATIONS,
  withReduction,
} from "./index.ts";

const params: ValuationParams = {
  pricingCpuInitial: 1,
  pricingMemInitial: 0.5,
  ratioAA: 0.1,
  ratioBB: 0.4,
  electricityPrice: 1,
};

function input(overrides: Partial<ValuationInput> = {}): ValuationInput {
  return {
    sla: makeSla(), // 500 MB, 500 m, 600 s
    resources: { cpuAvailableMilli: 4000, cpuUsedMilli: 1000, memoryAvailableBytes: 4e9, memoryUsedBytes: 0 },
    committed: [],
    params,
    ...overrides,
  };
}

// U = 0.25 × 100 + 0.5 × min(1200, 600) = 325 (GIRAFF: 0.25 × 100 + 0.5 × 1200 = 625).
const committed = [
  { cpuShare: 0.25, remainingS: 100 },
  { cpuShare: 0.5, remainingS: 1200 },
];

describe("linear", () => {
  it("prices memory and CPU shares at their rates", () => {
    // 0.125 × 0.5 + 0.125 × 1
    expect(linear.value(input())).toMatchObject({ bid: 0.1875, price: 0.1875 });
  });

  it("counts replicas, with 0 meaning one copy", () => {
    expect(linear.value(input({ sla: makeSla({ replicas: 2 }) })).bid).toBe(0.375);
    expect(linear.value(input({ sla: makeSla({ replicas: 0 }) })).bid).toBe(0.1875);
  });
});

describe("quadratic", () => {
  it("is E·s·(2·AA·U + (AA·s + BB)·D) with U clipped at D", () => {
    // s = 0.125, D = 600: 0.125 × (2 × 0.1 × 325 + 0.4125 × 600) = 0.125 × 312.5
    const v = quadratic.value(input({ committed }));
    expect(v.bid).toBeCloseTo(39.0625, 9);
    expect(v.price).toBe(v.bid);
    expect(v.terms).toEqual({ s: 0.125, U: 325, D: 600 });
  });

  it("clips each remaining time at D and ignores past ones", () => {
    expect(committedLoad(committed, 600)).toBe(325);
    expect(committedLoad(committed, 50)).toBe(0.25 * 50 + 0.5 * 50);
    expect(committedLoad([{ cpuShare: 0.5, remainingS: -3 }], 600)).toBe(0);
  });

  it("on an idle node is E·s·(AA·s + BB)·D, scaled by E", () => {
    expect(quadratic.value(input()).bid).toBeCloseTo(0.125 * 0.4125 * 600, 9);
    expect(quadratic.value(input({ params: { ...params, electricityPrice: 2 } })).bid).toBeCloseTo(61.875, 9);
  });
});

describe("quadratic-giraff (GIRAFF's exact terms)", () => {
  it("sums U over full remaining lifetimes, in whole seconds", () => {
    // U = 0.25 × 100 + 0.5 × 1200 = 625; 0.125 × (2 × 0.1 × 625 + 0.4125 × 600) = 0.125 × 372.5
    const v = quadraticGiraff.value(input({ committed }));
    expect(v.terms).toEqual({ s: 0.125, U: 625, D: 600 });
    expect(v.bid).toBeCloseTo(46.5625, 9);
    expect(v.price).toBe(v.bid);
    expect(
      fullCommittedLoad([
        { cpuShare: 0.5, remainingS: 10.9 },
        { cpuShare: 1, remainingS: -2 },
      ]),
    ).toBe(5);
  });

  it("leaves replicas out of s, where ours counts them", () => {
    // replicas 2: ours s = 0.25, 0.25 × (2 × 0.1 × 325 + (0.025 + 0.4) × 600) = 80; GIRAFF's s stays 0.125
    const sla = makeSla({ replicas: 2 });
    expect(quadratic.value(input({ sla, committed })).bid).toBeCloseTo(80, 9);
    expect(quadraticGiraff.value(input({ sla, committed })).bid).toBeCloseTo(46.5625, 9);
  });

  it("switches each term on its own", () => {
    const sla = makeSla({ replicas: 2 });
    const sOnly = quadraticPlugin("s-giraff", { replicasInShare: false, committedLoad: "clipped" });
    const uOnly = quadraticPlugin("u-giraff", { replicasInShare: true, committedLoad: "full" });
    // s = 0.125, U = 325: 0.125 × (65 + 247.5); s = 0.25, U = 625: 0.25 × (125 + 255)
    expect(sOnly.value(input({ sla, committed })).bid).toBeCloseTo(39.0625, 9);
    expect(uOnly.value(input({ sla, committed })).bid).toBeCloseTo(95, 9);
    expect(() => sOnly.validate({ ratioAA: 1, ratioBB: 1 })).toThrow(/`s-giraff` valuation needs `electricityPrice`/);
  });
});

describe("cpu-utilisation", () => {
  it("bids used / available CPU in basis points and prices with the quadratic model", () => {
    const v = cpuUtilisation.value(input({ committed }));
    expect(v.bid).toBe(2500);
    expect(v.price).toBeCloseTo(39.0625, 9);
  });

  it("bids 0 on an idle node and 10 000 on a full one", () => {
    const resources = { cpuAvailableMilli: 4000, cpuUsedMilli: 0, memoryAvailableBytes: 4e9, memoryUsedBytes: 0 };
    expect(cpuUtilisation.value(input({ resources })).bid).toBe(0);
    expect(cpuUtilisation.value(input({ resources: { ...resources, cpuUsedMilli: 4000 } })).bid).toBe(10_000);
  });
});

describe("withReduction", () => {
  const sla = makeSla({ dataFlow: [{ from: { dataSource: "node_35" }, to: "thisFunction" }] });

  it("discounts the bid by 25 % on the data source, leaving the price", () => {
    const v = withReduction(linear, "node_35").value(input({ sla }));
    expect(v).toMatchObject({ bid: 0.140625, price: 0.1875 });
    const cpu = withReduction(cpuUtilisation, "node_35").value(input({ sla }));
    expect(cpu.bid).toBe(1875);
    expect(cpu.price).toBeCloseTo(0.125 * 0.4125 * 600, 9);
  });

  it("changes nothing on other nodes, and also matches a `to` endpoint", () => {
    expect(withReduction(linear, "node_2").value(input({ sla })).bid).toBe(0.1875);
    const toSla = makeSla({ dataFlow: [{ from: "thisFunction", to: { dataSource: "node_2" } }] });
    expect(withReduction(linear, "node_2").value(input({ sla: toSla })).bid).toBe(0.140625);
    expect(withReduction(linear, "node_2").name).toBe("linear+reduction");
  });
});

describe("validation and guards", () => {
  it("names the missing or invalid parameter", () => {
    const field = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).field;
      }
      return undefined;
    };
    expect(field(() => quadratic.validate({ ratioBB: 1, electricityPrice: 1 }))).toBe("ratioAA");
    expect(field(() => quadratic.validate({ ratioAA: 1, ratioBB: -1, electricityPrice: 1 }))).toBe("ratioBB");
    expect(field(() => cpuUtilisation.validate({ ratioAA: 1, ratioBB: 1, electricityPrice: NaN }))).toBe(
      "electricityPrice",
    );
    expect(field(() => linear.validate({ pricingCpuInitial: 1 }))).toBe("pricingMemInitial");
    expect(field(() => linear.validate(params))).toBeUndefined();
  });

  it("throws instead of returning a non-finite bid", () => {
    const resources = { cpuAvailableMilli: 0, cpuUsedMilli: 0, memoryAvailableBytes: 4e9, memoryUsedBytes: 0 };
    expect(() => quadratic.value(input({ resources }))).toThrow(/finite/);
    expect(() => cpuUtilisation.value(input({ resources }))).toThrow(RangeError);
  });

  it("has a registry by name", () => {
    expect(Object.keys(VALUATIONS)).toEqual(["linear", "quadratic", "quadratic-giraff", "cpu-utilisation"]);
    for (const [name, plugin] of Object.entries(VALUATIONS)) expect(valuation(name)).toBe(plugin);
    expect(() => valuation("cubic")).toThrow(ConfigError);
    expect(() => valuation("cubic")).toThrow(/`valuation`.*"cubic"/);
  });
});
