import { describe, expect, it } from "vitest";
import { ConfigError } from "../protocol/errors.ts";
import * as api from "./index.ts";
import { STRATEGIES, strategy } from "./index.ts";

describe("strategy registry", () => {
  it("registers each strategy under its own name", () => {
    for (const [name, s] of Object.entries(STRATEGIES)) {
      expect(s.name).toBe(name);
      expect(strategy(name)).toBe(s);
    }
  });

  it("pairs each strategy with its market rule and forced valuation (giraff.md §7)", () => {
    const pairs = Object.fromEntries(Object.values(STRATEGIES).map((s) => [s.name, [s.marketRule, s.forcedValuation]]));
    expect(pairs).toEqual({
      auction: ["second-price", undefined],
      "edge-first": ["second-price", undefined],
      "edge-furthest": ["second-price", undefined],
      "edge-ward": ["second-price", undefined],
      "cloud-only": ["second-price", undefined],
      mincpurandom: ["mincpurandom", "cpu-utilisation"],
      "max-cpu": ["random", "cpu-utilisation"],
    });
    for (const s of Object.values(STRATEGIES)) {
      if (s.forcedValuation !== undefined) expect(api.valuation(s.forcedValuation).name).toBe(s.forcedValuation);
    }
  });

  it("rejects unknown names with a ConfigError naming field, value and choices", () => {
    expect(() => strategy("maxcpu")).toThrow(ConfigError);
    try {
      strategy("maxcpu");
    } catch (error) {
      expect((error as ConfigError).field).toBe("strategy");
      expect((error as ConfigError).message).toMatch(/auction, edge-first.*"maxcpu"/);
    }
    expect(() => strategy("__proto__")).toThrow(ConfigError);
  });

  it("exports what the node agent needs", () => {
    for (const name of [
      "accumulate",
      "latencyModel",
      "valuation",
      "withReduction",
      "seededRandom",
      "REASONS",
      "flood",
    ]) {
      expect(api).toHaveProperty(name);
    }
  });
});

describe("seededRandom", () => {
  it("replays from its seed and stays in [0, 1)", () => {
    const a = api.seededRandom("sla", "node_1");
    const b = api.seededRandom("sla", "node_1");
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(api.seededRandom("sla", "node_2")()).not.toBe(xs[0]);
  });

  it("shuffles into a permutation", () => {
    const items = ["a", "b", "c", "d", "e"];
    expect(api.shuffled(items, api.seededRandom("x")).sort()).toEqual(items);
  });
});
