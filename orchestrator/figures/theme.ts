/**
 * What every figure shares so that output is byte-stable: a fixed panel size, one font (the one resvg is told to
 * use, so the SVG's text estimates and the PNG's glyphs agree), fixed colours per strategy, and sorted data.
 */
import type { TopLevelSpec } from "vega-lite";
import type { RunValueRow, SummaryRow } from "./types.ts";

export const WIDTH = 320;
export const HEIGHT = 220;
export const FONT = "DejaVu Sans";

/** The reference strategy (GIRAFF's auction): first colour everywhere, and the centre of the relative figure. */
export const REFERENCE_STRATEGY = "auction";

// Tableau 10, the reference strategy always first; purple and brown come before yellow and pink, which are faint on
// white and close to orange and red, so the seven strategies of a full campaign get seven clearly distinct colours.
// The report's charts use the same list (notebooks/src/components/charts.js).
export const PALETTE = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#b279a2",
  "#9d755d",
  "#eeca3b",
  "#ff9da6",
];

export const CONFIG: NonNullable<TopLevelSpec["config"]> = {
  font: FONT,
  background: "white",
  padding: 8,
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: "#eee" },
  // Full-opacity legend symbols even though the first layer (per-run points) is faint.
  legend: { labelFontSize: 11, titleFontSize: 12, symbolOpacity: 1 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: "start" },
};

/** Strategies in legend order: the reference first, then by name. */
export function strategyDomain(rows: readonly { strategy: string }[]): string[] {
  const names = [...new Set(rows.map((r) => r.strategy))].sort();
  return names.includes(REFERENCE_STRATEGY)
    ? [REFERENCE_STRATEGY, ...names.filter((n) => n !== REFERENCE_STRATEGY)]
    : names;
}

/** A strategy encoding: the strategies of `domain`, in order, get the values of `range`, reused when there are more. */
function strategyEncoding(domain: readonly string[], range: readonly string[]) {
  return {
    field: "strategy",
    type: "nominal" as const,
    title: "Placement method",
    scale: { domain: [...domain], range: domain.map((_, i) => range[i % range.length]!) },
  };
}

/** The colour encoding of a strategy, with a domain fixed by the data rather than by encounter order. */
export function strategyColor(domain: readonly string[]) {
  return strategyEncoding(domain, PALETTE);
}

/**
 * A marker shape per strategy, in domain order, so strategies stay apart where their colours meet (and in grey
 * print). Vega's built-in names; the report's Plot charts draw the same shapes (notebooks/src/components/charts.js).
 */
export const SHAPES = [
  "circle",
  "square",
  "diamond",
  "triangle-up",
  "cross",
  "triangle-down",
  "triangle-right",
  "triangle-left",
] as const;

/** The shape encoding of a strategy, the same domain as {@link strategyColor} so both share one legend. */
export function strategyShape(domain: readonly string[]) {
  return strategyEncoding(domain, SHAPES);
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Per-run rows in a fixed order, whatever order the query returned them in. */
export function sortRuns(rows: readonly RunValueRow[]): RunValueRow[] {
  return [...rows].sort(
    (a, b) =>
      compare(a.panel, b.panel) ||
      compare(a.strategy, b.strategy) ||
      compare(a.nodes, b.nodes) ||
      compare(a.run_key, b.run_key),
  );
}

/** Summary rows in a fixed order. */
export function sortSummary(rows: readonly SummaryRow[]): SummaryRow[] {
  return [...rows].sort(
    (a, b) => compare(a.panel, b.panel) || compare(a.strategy, b.strategy) || compare(a.nodes ?? -1, b.nodes ?? -1),
  );
}
