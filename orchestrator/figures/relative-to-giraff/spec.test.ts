/**
 * The geometry of the rendered relative figure, read back from its SVG: each strategy's line must pass through its
 * own points and intervals (no sideways offset of the points alone), strategies must differ in colour and in shape,
 * and lines must be opaque so that overlapping lines do not blend into a colour of neither.
 */
import { describe, expect, it } from "vitest";
import { renderSvg } from "../render.ts";
import { FIXTURES } from "../testing/fixtures.ts";
import { relativeToGiraff } from "./spec.ts";

type Point = [number, number];

/**
 * The elements of the mark groups whose class starts with `prefix` ("mark-line role-mark", or a layer's name as
 * in "intervals_marks"); a line layer has one group per strategy.
 */
function markElements(svg: string, prefix: string): string[] {
  const groups = svg.split(`class="${prefix}`).slice(1);
  expect(groups.length, `no ${prefix} mark in the SVG`).toBeGreaterThan(0);
  return groups.flatMap((g) => [...g.slice(0, g.indexOf("</g>")).matchAll(/<(?:path|line) [^>]*>/g)].map((m) => m[0]));
}

const attribute = (element: string, name: string) => new RegExp(` ${name}="([^"]*)"`).exec(element)?.[1];

function translate(element: string): Point {
  const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(attribute(element, "transform") ?? "");
  expect(m, element).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

/** The vertices of a path made of M and L commands (Vega's line marks). */
function vertices(d: string): Point[] {
  return [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

const near = (a: Point, b: Point) => Math.abs(a[0] - b[0]) < 0.01 && Math.abs(a[1] - b[1]) < 0.01;

describe("relativeToGiraff on seven strategies", async () => {
  const svg = await renderSvg(relativeToGiraff(FIXTURES.relativeToGiraff));
  // Lines and points by mark type (the only line and symbol marks of the plot); intervals by their layer's name.
  const lines = markElements(svg, "mark-line role-mark");
  const points = markElements(svg, "mark-symbol role-mark");
  const strategies = new Set(FIXTURES.relativeToGiraff.summary.map((s) => s.strategy));
  const metrics = new Set(FIXTURES.relativeToGiraff.summary.map((s) => s.panel));

  it("draws one line per strategy and one point per strategy and metric", () => {
    expect(strategies.size).toBe(7);
    expect(lines).toHaveLength(strategies.size);
    expect(points).toHaveLength(strategies.size * metrics.size);
  });

  it("puts every point on a vertex of its own strategy's line, and every vertex under a point", () => {
    const lineOf = new Map(lines.map((l) => [attribute(l, "stroke"), vertices(attribute(l, "d")!)]));
    expect(lineOf.size).toBe(strategies.size);
    for (const colour of lineOf.keys()) {
      const own = points.filter((p) => attribute(p, "fill") === colour).map(translate);
      const path = lineOf.get(colour)!;
      expect(own).toHaveLength(metrics.size);
      for (const centre of own)
        expect(
          path.some((v) => near(v, centre)),
          `${colour} ${centre}`,
        ).toBe(true);
      for (const v of path)
        expect(
          own.some((c) => near(v, c)),
          `${colour} vertex ${v}`,
        ).toBe(true);
    }
  });

  it("draws each interval through its point, at the same x", () => {
    const intervals = markElements(svg, "mark-rule role-mark intervals_marks");
    expect(intervals.length).toBe(points.length);
    for (const rule of intervals) {
      const [x, y1] = translate(rule);
      const y2 = y1 + Number(attribute(rule, "y2"));
      const point = points.find(
        (p) => attribute(p, "fill") === attribute(rule, "stroke") && near(translate(p), [x, translate(p)[1]]),
      );
      expect(point, `no point at the interval x=${x}`).toBeDefined();
      const y = translate(point!)[1];
      expect(Math.min(y1, y2) - 0.01).toBeLessThanOrEqual(y);
      expect(Math.max(y1, y2) + 0.01).toBeGreaterThanOrEqual(y);
    }
  });

  it("gives each strategy its own colour and its own marker shape", () => {
    const colours = new Set(points.map((p) => attribute(p, "fill")));
    const shapeOf = new Map<string | undefined, Set<string | undefined>>();
    for (const p of points)
      shapeOf.set(attribute(p, "fill"), (shapeOf.get(attribute(p, "fill")) ?? new Set()).add(attribute(p, "d")));
    expect(colours.size).toBe(strategies.size);
    // One shape per strategy, and no two strategies with the same shape.
    for (const shapes of shapeOf.values()) expect(shapes.size).toBe(1);
    expect(new Set([...shapeOf.values()].map((s) => [...s][0])).size).toBe(strategies.size);
  });

  it("draws opaque lines, which cannot blend where they overlap", () => {
    for (const line of lines) {
      for (const name of ["opacity", "stroke-opacity"]) {
        const value = attribute(line, name);
        if (value !== undefined) expect(Number(value)).toBe(1);
      }
    }
  });
});
