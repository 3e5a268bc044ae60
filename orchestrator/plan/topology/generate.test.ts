import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import type { Topology, TopologyNode } from "../../../runtime/protocol/topology.ts";
import { valuation } from "../../../runtime/strategies/index.ts";
import { levelCountBounds } from "./bounds.ts";
import { generateTopology } from "./generate.ts";
import { childrenRange, PRESETS, type PresetName } from "./presets.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const perLevel = (t: Topology) => {
  const counts: number[] = [];
  for (const n of t.nodes) counts[n.level] = (counts[n.level] ?? 0) + 1;
  return Array.from(counts, (c) => c ?? 0);
};

const childrenByParent = (t: Topology) => {
  const out = new Map<string, TopologyNode[]>();
  for (const n of t.nodes) if (n.parent !== null) out.set(n.parent, [...(out.get(n.parent) ?? []), n]);
  return out;
};

/** The multipliers each preset accepts, as fast-check arbitraries (the paper needs ≥ 1 for its level-2 range). */
const multiplier = {
  current: fc.integer({ min: 1, max: 3 }),
  paper: fc.constantFrom(1, 1.5, 2),
} satisfies Record<PresetName, fc.Arbitrary<number>>;

describe("generateTopology", () => {
  it("gives identical JSON for the same seed and a different tree for another", () => {
    const json = (preset: PresetName, seed: string | number) =>
      JSON.stringify(generateTopology({ preset, sizeMultiplier: 2, seed }));
    for (const preset of ["current", "paper"] as const) {
      const a = json(preset, 42);
      // Compared as booleans: a failing toBe would print two whole topologies.
      expect(json(preset, 42) === a).toBe(true);
      expect(json(preset, 43) === a).toBe(false);
      // 42 and "42" draw the same tree; only the recorded seed's type differs
      expect(json(preset, "42") === a.replace('"seed":42', '"seed":"42"')).toBe(true);
    }
  });

  it("records the preset and the seed, and names the root `market`", () => {
    const t = generateTopology({ preset: "paper", sizeMultiplier: 2, seed: "abc" });
    expect(t).toMatchObject({ preset: "paper", seed: "abc", name: "paper-sm2-seedabc" });
    expect(t.nodes[0]).toMatchObject({ name: "market", level: 0, parent: null, link: null, isCloud: true });
    expect(t.description).toMatch(/SIZE_MULTIPLIER 2 \(1 in the tier rules\)/);
  });

  it("keeps each level within the counts the tier rules allow, which for current SM 1 are hand-checked", () => {
    expect(levelCountBounds("current", 1)).toEqual([
      [1, 1],
      [1, 4],
      [1, 3],
      [4, 8],
      [16, 32],
    ]);
    expect(levelCountBounds("current", 2)).toEqual([
      [1, 1],
      [1, 4],
      [1, 3],
      [4, 32],
      [16, 256],
    ]);
    expect(levelCountBounds("current", 4)).toEqual([
      [1, 1],
      [1, 4],
      [1, 3],
      [4, 96],
      [16, 1536],
    ]);
    // paper at env 1 is SM 0.5: 1–3, 2–2, 3–4, 2–4 children per parent, each non-first sibling may lose its subtree
    expect(levelCountBounds("paper", 1)).toEqual([
      [1, 1],
      [1, 3],
      [2, 6],
      [3, 24],
      [2, 96],
    ]);
    expect(levelCountBounds("paper", 2)).toEqual([
      [1, 1],
      [1, 6],
      [2, 24],
      [3, 192],
      [2, 1536],
    ]);
    for (const preset of ["current", "paper"] as const) {
      for (const sm of [1, 2, 4]) {
        const bounds = levelCountBounds(preset, sm);
        for (let seed = 0; seed < 15; seed++) {
          const counts = perLevel(generateTopology({ preset, sizeMultiplier: sm, seed }));
          expect(counts).toHaveLength(5); // the first sibling always keeps its subtree, so every level exists
          counts.forEach((c, level) => {
            expect(c).toBeGreaterThanOrEqual(bounds[level]![0]);
            expect(c).toBeLessThanOrEqual(bounds[level]![1]);
          });
        }
      }
    }
  });

  it("gives every parent a children count in its tier's range, and only the kept siblings a subtree", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = generateTopology({ preset: "current", sizeMultiplier: 2, seed });
      const kids = childrenByParent(t);
      for (const node of t.nodes) {
        const children = kids.get(node.id) ?? [];
        const tier = PRESETS.current.tiers[node.level];
        if (tier === undefined) {
          expect(children).toEqual([]);
          continue;
        }
        if (children.length === 0) continue; // a sibling that did not keep its subtree
        const [lo, hi] = childrenRange(tier, 2);
        expect(children.length).toBeGreaterThanOrEqual(lo);
        expect(children.length).toBeLessThanOrEqual(hi);
      }
      // keep_children(1) at level 1, keep_children(SM = 2) at level 2, keep_children(4·SM = 8) at level 3
      const parentsAt = (level: number) =>
        t.nodes.filter((n) => n.level === level && (kids.get(n.id)?.length ?? 0) > 0);
      expect(parentsAt(1)).toHaveLength(1);
      for (const node of t.nodes.filter((n) => n.level === 1 || n.level === 2)) {
        const withKids = (kids.get(node.id) ?? []).filter((c) => (kids.get(c.id)?.length ?? 0) > 0);
        expect(withKids.length).toBeLessThanOrEqual(node.level === 1 ? 2 : 8);
      }
    }
  });

  it("holds GIRAFF's invariants for any seed and multiplier", () => {
    const linear = valuation("linear");
    const quadratic = valuation("quadratic");
    fc.assert(
      fc.property(
        fc.constantFrom("current", "paper").chain((preset) =>
          fc.record({
            preset: fc.constant(preset),
            sm: multiplier[preset],
            seed: fc.oneof(fc.integer(), fc.string({ minLength: 1 })),
          }),
        ),
        ({ preset, sm, seed }) => {
          const p = PRESETS[preset];
          const t = generateTopology({ preset, sizeMultiplier: sm, seed });
          const byId = new Map(t.nodes.map((n) => [n.id, n]));
          expect(t.nodes.filter((n) => n.parent === null)).toHaveLength(1);
          const kids = childrenByParent(t);
          for (const n of t.nodes) {
            expect(n.id).toMatch(UUID);
            const tier = n.level === 0 ? undefined : p.tiers[n.level - 1]!;
            if (tier === undefined) {
              expect(n.parent).toBeNull();
              expect(n.flavor).toMatchObject({ cores: p.root.flavour.cores, memMiB: p.root.flavour.memMiB });
            } else {
              const parent = byId.get(n.parent!)!;
              expect(parent.level).toBe(n.level - 1);
              expect(n.name).toMatch(new RegExp(`^${n.level}[a-z]+\\d+$`));
              const link = n.link!;
              expect(link.latencyMs).toBeGreaterThanOrEqual(tier.latencyMs[0]);
              expect(link.latencyMs).toBeLessThanOrEqual(tier.latencyMs[1]);
              expect(Number.isInteger(link.latencyMs)).toBe(true);
              expect(link.rateBps % tier.rateBps.min).toBe(0);
              expect(link.rateBps).toBeLessThanOrEqual(tier.rateBps.max);
              if (tier.lossPct.max === 0) expect(link.lossPct).toBe(0);
              else {
                expect(link.lossPct % tier.lossPct.min).toBe(0);
                expect(link.lossPct).toBeGreaterThanOrEqual(tier.lossPct.min);
                expect(link.lossPct).toBeLessThanOrEqual(tier.lossPct.max);
              }
              expect(n.isCloud).toBe(n.level === 1);
              expect(n.flavor.cores).toBeLessThanOrEqual(tier.flavour.cores);
              expect(n.flavor.cores - n.flavor.reservedCores).toBe(tier.flavour.cores - tier.flavour.reservedCores);
              expect(n.flavor.memMiB - n.flavor.reservedMemMiB).toBe(tier.flavour.memMiB - tier.flavour.reservedMemMiB);
            }
            expect(n.flavor.reservedCores).toBeGreaterThan(0);
            expect(n.flavor.reservedMemMiB).toBeGreaterThan(0);
            expect(n.flavor.reservedCores).toBeLessThanOrEqual(n.flavor.cores);
            expect(n.flavor.reservedMemMiB).toBeLessThanOrEqual(n.flavor.memMiB);
            expect(n.maxInFlight).toBe(Math.ceil(n.flavor.reservedMemMiB / 100));
            if (n.iotConnected) expect(n.level).toBe(4);
            linear.validate(n.valuation);
            quadratic.validate(n.valuation);
          }
          // the first edge child of every level-3 parent is IoT-connected
          for (const n of t.nodes.filter((x) => x.level === 3)) {
            const edge = kids.get(n.id);
            if (edge !== undefined) expect(edge[0]!.iotConnected).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("draws valuation parameters per node within each level's ranges", () => {
    const t = generateTopology({ preset: "current", sizeMultiplier: 4, seed: 7 });
    const base = (tierLevel: number) => 0.2 / (4 - tierLevel);
    for (const n of t.nodes) {
      const tierLevel = Math.max(0, n.level - 1);
      const v = n.valuation;
      expect(v.pricingCpuInitial).toBeGreaterThanOrEqual(0.5 * base(tierLevel));
      expect(v.pricingCpuInitial).toBeLessThanOrEqual(1.5 * base(tierLevel));
      expect(v.pricingMemInitial).toBeGreaterThanOrEqual(0.25 * base(tierLevel));
      expect(v.pricingMemInitial).toBeLessThanOrEqual(0.75 * base(tierLevel));
      if (tierLevel <= 1) expect(v).toMatchObject({ ratioAA: 0.01, ratioBB: 0.1, electricityPrice: 0.9 });
      if (tierLevel === 2) {
        expect(v.ratioAA).toBeGreaterThan(0);
        expect(v.ratioAA).toBeLessThanOrEqual(0.1);
        expect(v.electricityPrice).toBe(0.95);
      }
      if (tierLevel === 3) {
        expect(v.ratioBB).toBeGreaterThan(0.3);
        expect(v.ratioBB).toBeLessThanOrEqual(0.6);
        expect(v.electricityPrice).toBe(1);
      }
    }
    const distinct = new Set(t.nodes.filter((n) => n.level === 4).map((n) => n.valuation.ratioAA));
    expect(distinct.size).toBeGreaterThan(10);
  });

  it("uses the paper's flavours, no loss and its own valuation constants", () => {
    const t = generateTopology({ preset: "paper", sizeMultiplier: 2, seed: 3 });
    expect(t.nodes.every((n) => n.link === null || n.link.lossPct === 0)).toBe(true);
    expect(t.nodes[0]!.flavor).toEqual({ cores: 16, memMiB: 47104, reservedCores: 15, reservedMemMiB: 43008 });
    expect(t.nodes[0]!.valuation).toMatchObject({ ratioAA: 0.01, ratioBB: 0.2, electricityPrice: 0.75 });
    for (const n of t.nodes.filter((x) => x.level === 4)) {
      expect(n.flavor.cores).toBe(2);
      expect([4096, 2048]).toContain(n.flavor.memMiB);
      expect(n.valuation.ratioAA).toBeGreaterThan(0.8);
      expect(n.valuation.pricingCpuInitial).toBeGreaterThanOrEqual(2); // base 4 at the edge
    }
  });

  it("rejects bad options with a ConfigError naming the option", () => {
    const bad: [Parameters<typeof generateTopology>[0], RegExp][] = [
      [{ preset: "nope" as "current", sizeMultiplier: 1, seed: 1 }, /`preset`.*current, paper/],
      [{ preset: "current", sizeMultiplier: 1.5, seed: 1 }, /`sizeMultiplier`.*positive integer/],
      [{ preset: "current", sizeMultiplier: 0, seed: 1 }, /`sizeMultiplier`/],
      [{ preset: "paper", sizeMultiplier: 0.5, seed: 1 }, /level 2 of preset paper at least 2 children/],
      [{ preset: "current", sizeMultiplier: 1, seed: "" }, /`seed`/],
      [{ preset: "current", sizeMultiplier: 1, seed: 1, minNodes: -1 }, /`minNodes`/],
      [{ preset: "current", sizeMultiplier: 1, seed: 1, maxHosts: 0 }, /`maxHosts`/],
      [{ preset: "current", sizeMultiplier: 1, seed: 1, cluster: "dahu" as "gros" }, /`cluster`/],
    ];
    for (const [options, message] of bad) {
      expect(() => generateTopology(options)).toThrow(ConfigError);
      expect(() => generateTopology(options)).toThrow(message);
    }
  });
});
