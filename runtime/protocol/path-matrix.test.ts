import { describe, expect, it } from "vitest";
import { tree, type NodeSpec } from "../testing/topology-tree.ts";
import { seededRandom } from "../util/seeded-random.ts";
import { ConfigError } from "./errors.ts";
import {
  combineLossGiraff,
  combineLossProbabilistic,
  IOT_SOURCE_ID,
  pathBetween,
  pathMatrix,
  treePaths,
} from "./path-matrix.ts";

//   root ─10ms,5%─ a ─10ms,10%─ c (iot)
//     └──2ms,50%─ b ─1ms,1%── d (iot)
const small = () =>
  tree([
    ["root", null],
    ["a", "root", { latencyMs: 10, lossPct: 5, rateBps: 500e6 }],
    ["b", "root", { latencyMs: 2, lossPct: 50, rateBps: 1e9 }],
    ["c", "a", { latencyMs: 10, lossPct: 10, rateBps: 100e6, iot: true }],
    ["d", "b", { latencyMs: 1, lossPct: 1, rateBps: 10e6, iot: true }],
  ]);

describe("loss combinations", () => {
  it("combines by hand-checked values", () => {
    expect(combineLossGiraff(10, 10)).toBe(19); // 20 − ⌊1⌋
    expect(combineLossGiraff(5, 5)).toBe(10); // 10 − ⌊0.25⌋: the product term is rounded away
    expect(combineLossGiraff(0, 7)).toBe(7);
    expect(combineLossProbabilistic(10, 10)).toBeCloseTo(19, 12);
    expect(combineLossProbabilistic(5, 5)).toBeCloseTo(9.75, 12);
    expect(combineLossProbabilistic(50, 50)).toBeCloseTo(75, 12);
    expect(combineLossProbabilistic(100, 3)).toBe(100);
  });

  it("makes GIRAFF's combination an error at 100 % or more, as GIRAFF does", () => {
    // 50 + 99 − ⌊49.5⌋ = 100, where the probabilistic combination gives 99.5
    expect(() => combineLossGiraff(50, 99)).toThrow(/gives 100 %/);
    expect(combineLossProbabilistic(50, 99)).toBeCloseTo(99.5, 12);
    expect(combineLossGiraff(50, 50)).toBe(75);
  });
});

describe("pathMatrix", () => {
  it("sums delays, takes the narrowest rate and combines losses along the tree path", () => {
    const m = pathMatrix(small());
    expect(m.ids).toEqual(["root", "a", "b", "c", "d", IOT_SOURCE_ID]);
    expect(m.lossModel).toBe("probabilistic");
    const cd = m.get("c", "d");
    expect(cd.latencyMs).toBe(23);
    expect(cd.rateBps).toBe(10e6);
    // 1 − 0.9 × 0.95 × 0.5 × 0.99
    expect(cd.lossPct).toBeCloseTo(100 * (1 - 0.9 * 0.95 * 0.5 * 0.99), 10);
    // the reverse path: same delay and rate, same loss up to rounding (the factors multiply in the other order)
    expect(m.get("d", "c")).toMatchObject({ latencyMs: 23, rateBps: 10e6 });
    expect(m.get("d", "c").lossPct).toBeCloseTo(cd.lossPct, 10);
    expect(m.get("a", "a")).toEqual({ latencyMs: 0, rateBps: Infinity, lossPct: 0 });
  });

  it("replays GIRAFF's rounded combination from the source outwards when asked", () => {
    const m = pathMatrix(small(), { loss: "giraff" });
    // c → a → root → b → d: 10, then 10 + 5 − 0 = 15, then 15 + 50 − 7 = 58, then 58 + 1 − 0 = 59
    expect(m.get("c", "d").lossPct).toBe(59);
    // d → b → root → a → c: 1, then 1 + 50 − 0 = 51, then 51 + 5 − 2 = 54, then 54 + 10 − 5 = 59
    expect(m.get("d", "c").lossPct).toBe(59);
    // a → root → b: 5 + 50 − 2 = 53, where the probabilistic model gives 52.5
    expect(m.get("a", "b").lossPct).toBe(53);
    expect(pathMatrix(small()).get("a", "b").lossPct).toBeCloseTo(52.5, 10);
  });

  it("fails GIRAFF's model with the path named when a path reaches 100 %", () => {
    const t = tree([
      ["root", null],
      ["x", "root", { lossPct: 50 }],
      ["y", "root", { lossPct: 99 }],
    ]);
    expect(() => pathMatrix(t, { loss: "giraff" })).toThrow(ConfigError);
    expect(() => pathMatrix(t, { loss: "giraff" })).toThrow(/path from x to y/);
    expect(pathMatrix(t).get("x", "y").lossPct).toBeCloseTo(99.5, 10);
  });

  it("links the IoT source to the nearest IoT-connected node with 0 ms, 1 Gb/s and no loss", () => {
    const m = pathMatrix(small());
    // root is nearer d (3 ms via b) than c (20 ms via a)
    expect(m.get(IOT_SOURCE_ID, "root")).toEqual(m.get("d", "root"));
    expect(m.get("root", IOT_SOURCE_ID)).toEqual(m.get("root", "d"));
    expect(m.get(IOT_SOURCE_ID, "a")).toEqual(m.get("c", "a"));
    expect(m.get(IOT_SOURCE_ID, "c")).toEqual({ latencyMs: 0, rateBps: 1e9, lossPct: 0 });
    expect(m.get(IOT_SOURCE_ID, IOT_SOURCE_ID).latencyMs).toBe(0);
    // never a shortcut: c and d stay 23 ms apart although both are 0 ms from the IoT source
    expect(m.get("c", "d").latencyMs).toBe(23);
    expect([...m.pairs()]).toHaveLength(6 * 5);
  });

  it("has no IoT vertex when no node is IoT-connected", () => {
    const m = pathMatrix(
      tree([
        ["root", null],
        ["a", "root"],
      ]),
    );
    expect(m.ids).toEqual(["root", "a"]);
    expect(() => m.get(IOT_SOURCE_ID, "a")).toThrow(/No vertex/);
  });

  it("fills the matrix of a 700-node network well under a second", () => {
    const random = seededRandom("path-matrix");
    const specs: NodeSpec[] = [["n0", null]];
    for (let i = 1; i < 700; i++) specs.push([`n${i}`, `n${Math.floor(random() * i)}`, { latencyMs: 1 + (i % 7) }]);
    const start = performance.now();
    const m = pathMatrix(tree(specs));
    const elapsed = performance.now() - start;
    expect(m.size).toBe(700);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe("pathBetween", () => {
  //   root ─5 ms, 10 %─ a ─7 ms, 20 %─ b ─11 ms, 50 %─ c
  const line = () =>
    tree([
      ["root", null],
      ["a", "root", { latencyMs: 5, lossPct: 10, rateBps: 1e9 }],
      ["b", "a", { latencyMs: 7, lossPct: 20, rateBps: 100e6 }],
      ["c", "b", { latencyMs: 11, lossPct: 50, rateBps: 500e6 }],
    ]);

  it("gives loss in percent on a 3-hop path, as the topology's lossPct and the matrix do", () => {
    const path = pathBetween(line(), "root", "c");
    // 1 − 0.9 × 0.8 × 0.5 = 0.64, in percent: 64 (a fraction would read 0.64)
    expect(path.lossPct).toBeCloseTo(64, 10);
    expect(path).toMatchObject({ latencyMs: 23, rateBps: 100e6 });
    expect(pathBetween(line(), "c", "root", { loss: "giraff" }).lossPct).toBe(64); // 50, 50 + 20 − 10, 60 + 10 − 6
  });

  it("agrees with the matrix on every pair", () => {
    const t = tree([
      ["root", null],
      ["a", "root", { latencyMs: 10, lossPct: 5, rateBps: 500e6 }],
      ["b", "root", { latencyMs: 2, lossPct: 50, rateBps: 1e9 }],
      ["c", "a", { latencyMs: 10, lossPct: 10, rateBps: 100e6 }],
      ["d", "b", { latencyMs: 1, lossPct: 1, rateBps: 10e6 }],
    ]);
    const m = pathMatrix(t);
    for (const from of m.ids) for (const to of m.ids) expect(pathBetween(t, from, to)).toEqual(m.get(from, to));
  });

  it("agrees with the matrix on every pair of a 60-node random tree listed children first, in both loss models", () => {
    let x = 7;
    const next = () => (x = (x * 48271) % 2147483647) / 2147483647;
    const rows: Parameters<typeof tree>[0] = [["n0", null]];
    for (let i = 1; i < 60; i++) {
      const link = { latencyMs: 1 + Math.floor(next() * 30), lossPct: Math.floor(next() * 4), rateBps: 1e6 * (1 + i) };
      rows.push([`n${i}`, `n${Math.floor(next() * i)}`, link]);
    }
    const t = tree(rows.reverse()); // parents after their children: depth must not rely on topology order
    for (const loss of ["probabilistic", "giraff"] as const) {
      const m = pathMatrix(t, { loss });
      const paths = treePaths(t, { loss });
      for (const from of m.ids) for (const to of m.ids) expect(paths(from, to)).toEqual(m.get(from, to));
    }
  });

  it("names an unknown node", () => {
    expect(() => pathBetween(line(), "root", "zz")).toThrow(/No node "zz" in the topology hand-made/);
  });
});
