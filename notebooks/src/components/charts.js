// Chart functions shared by the pages: rows in, a Plot figure out (no DOM or data access here). Plot is imported
// from node_modules with a bare specifier, so Framework bundles it offline (never `npm:`, see README.md).
import * as Plot from "@observablehq/plot";
import { aq, op } from "./arquero.js";

/** GIRAFF's auction takes the first colour everywhere; the other strategies follow by name. */
export const REFERENCE_STRATEGY = "auction";

export function strategyDomain(rows) {
  const names = [...new Set(rows.map((r) => r.strategy))].sort();
  return names.includes(REFERENCE_STRATEGY)
    ? [REFERENCE_STRATEGY, ...names.filter((n) => n !== REFERENCE_STRATEGY)]
    : names;
}

// The paper figures' colours and shapes (orchestrator/figures/theme.ts PALETTE and SHAPES), so a strategy looks the
// same in the report and in the PDF figures. Seven strategies get seven clearly distinct colours.
const PALETTE = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#b279a2", "#9d755d", "#eeca3b", "#ff9da6"];

/** A filled triangle of area `size` pointing along `angle` (radians; 0 = right), as a d3 symbol type. */
const triangle = (angle) => ({
  draw(context, size) {
    const side = Math.sqrt((4 * size) / Math.sqrt(3));
    const r = side / Math.sqrt(3); // centre to vertex
    for (let i = 0; i < 3; ++i) {
      const a = angle + (i * 2 * Math.PI) / 3;
      const [x, y] = [r * Math.cos(a), r * Math.sin(a)];
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    }
    context.closePath();
  },
});
// Vega's circle, square, diamond, triangle-up, cross, triangle-down, triangle-right, triangle-left (y points down).
const SHAPES = [
  "circle",
  "square",
  "diamond",
  "triangle",
  "cross",
  triangle(Math.PI / 2),
  triangle(0),
  triangle(Math.PI),
];

/** The colour scale of the strategies in `domain`. */
export function strategyColor(domain, options = {}) {
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]), label: "strategy", ...options };
}

/** The symbol scale of the strategies in `domain`; its legend shows each strategy's colour and shape. */
export function strategySymbol(domain, options = {}) {
  return { domain, range: domain.map((_, i) => SHAPES[i % SHAPES.length]), label: "strategy", ...options };
}

const hasInterval = (s) =>
  s.ci_low !== null && s.ci_high !== null && Number.isFinite(s.ci_low) && Number.isFinite(s.ci_high);

/** The distinct network sizes of figure rows, ascending. */
export function networkSizes({ runs, summary }) {
  return [...new Set([...runs, ...summary].map((r) => r.nodes).filter((n) => n !== null))].sort((a, b) => a - b);
}

/** The runs of the strategy × panel groups that span at least two network sizes (a fit through one size is NaN). */
function fittable(runs) {
  // Columns named: arquero reads them from the first row, so without runs there would be none to group by.
  return aq
    .from(runs, ["strategy", "panel", "nodes", "value"])
    .groupby("strategy", "panel")
    .filter((d) => op.distinct(d.nodes) >= 2)
    .objects();
}

// Plot's default sans-serif text is about 0.6 em a character on average; 10 px is its axis font size.
const EM = 10;
const textWidth = (text) => String(text).length * 0.6 * EM;

/**
 * Facet labels over `panels` side by side in `width` px, wrapped to their panel's width (never cut); returns the
 * axis mark and the top margin the wrapped lines need.
 */
function facetAxis(panels, width, marginLeft) {
  const panelWidth = Math.max(60, (width - marginLeft - 20) / panels.length - 10);
  const lines = Math.max(...panels.map((p) => Math.ceil(textWidth(p) / panelWidth)));
  return {
    mark: Plot.axisFx({ anchor: "top", label: null, lineWidth: panelWidth / EM, tickSize: 0 }),
    marginTop: 14 + 12 * lines,
  };
}

/** The extent of the values a reader compares (runs, means and `extra`), padded by 5 %; intervals may run past it. */
function valueDomain(values) {
  const finite = values.filter((v) => v !== null && Number.isFinite(v));
  const [low, high] = [Math.min(...finite), Math.max(...finite)];
  const pad = (high - low) * 0.05 || Math.abs(high) * 0.05 || 1;
  return [low - pad, high + pad];
}

/**
 * The Euro-Par shape (reference/giraff.md §14.3), for campaigns of two sizes or more: x = network size, colour and
 * shape = strategy, faint points per run, a linear fit per strategy, the per-size mean with its 95 % CI. `rows` =
 * {runs, summary} from the figure queries; `panels` (optional) facets by the rows' `panel`; `floor` (optional) draws
 * a dashed y = floor(nodes) line. The y axis spans the runs and means: an interval of two runs (t = 12.7) can be
 * ten times wider than the data, so intervals are cut at the frame (the table gives them whole).
 */
export function metricBySize({ runs, summary }, { title, y, panels, floor, width = 640 }) {
  const domain = strategyDomain([...runs, ...summary]);
  const fx = panels === undefined ? undefined : "panel";
  const sizes = networkSizes({ runs, summary });
  const floorRows =
    floor === undefined
      ? []
      : (panels ?? [undefined]).flatMap((panel) => sizes.map((nodes) => ({ nodes, panel, value: floor(nodes) })));
  const marginLeft = 60;
  const facets = panels === undefined ? undefined : facetAxis(panels, width, marginLeft);
  return Plot.plot({
    title,
    width,
    height: 300,
    marginLeft,
    marginTop: facets?.marginTop,
    grid: true,
    x: {
      label: "Network size (nodes)",
      zero: false,
      nice: true,
      tickFormat: "d",
      ticks: sizes.length < 6 ? sizes : Math.max(2, Math.floor(width / (panels?.length ?? 1) / 80)),
    },
    y: {
      label: y,
      // Beside the axis, not above it: the facet labels take the top.
      labelAnchor: "center",
      domain: valueDomain([
        ...runs.map((r) => r.value),
        ...summary.map((s) => s.mean),
        ...floorRows.map((r) => r.value),
      ]),
      nice: true,
    },
    fx: panels === undefined ? undefined : { domain: panels, axis: null, padding: 0.2 },
    color: strategyColor(domain),
    symbol: strategySymbol(domain, { legend: true }),
    marks: [
      facets?.mark,
      floorRows.length > 0
        ? Plot.line(floorRows, { x: "nodes", y: "value", fx, strokeDasharray: "4,3", stroke: "#888" })
        : null,
      Plot.dot(runs, { x: "nodes", y: "value", stroke: "strategy", fx, r: 2.5, strokeOpacity: 0.45, tip: true }),
      Plot.linearRegressionY(fittable(runs), { x: "nodes", y: "value", stroke: "strategy", z: "strategy", fx, ci: 0 }),
      Plot.ruleX(summary.filter(hasInterval), {
        x: "nodes",
        y1: "ci_low",
        y2: "ci_high",
        stroke: "strategy",
        fx,
        clip: true,
      }),
      Plot.dot(summary, { x: "nodes", y: "mean", fill: "strategy", symbol: "strategy", fx, r: 4, tip: true }),
    ],
  });
}

/**
 * One network size: y = strategy, x = the metric, a faint point per run, the mean (colour and shape of the
 * strategy) with its 95 % CI as a horizontal bar; `panels` side by side. Strategy names are never cut: the left
 * margin fits the longest, up to 30 characters, beyond which a name ends in "…" with the full name as its tooltip.
 */
export function metricByStrategy({ runs, summary }, { title, x, panels, floor, width = 640 }) {
  const domain = strategyDomain([...runs, ...summary]);
  const fx = panels === undefined ? undefined : "panel";
  const longest = Math.min(30, Math.max(...domain.map((d) => d.length)));
  const marginLeft = Math.ceil(longest * 0.6 * EM) + 14;
  const facets = panels === undefined ? undefined : facetAxis(panels, width, marginLeft);
  const sizes = networkSizes({ runs, summary });
  const floorRows =
    floor === undefined ? [] : (panels ?? [undefined]).map((panel) => ({ panel, value: floor(sizes[0]) }));
  return Plot.plot({
    title,
    width,
    height: 40 + 26 * domain.length + (facets?.marginTop ?? 20),
    marginLeft,
    marginTop: facets?.marginTop,
    marginRight: 20,
    grid: true,
    x: { label: x, zero: true, nice: true, ticks: Math.max(2, Math.floor(width / (panels?.length ?? 1) / 70)) },
    y: { domain, label: null, axis: null },
    fx: panels === undefined ? undefined : { domain: panels, axis: null, padding: 0.2 },
    color: strategyColor(domain),
    symbol: strategySymbol(domain),
    marks: [
      facets?.mark,
      Plot.axisY({ anchor: "left", label: null, lineWidth: longest * 0.6, textOverflow: "ellipsis", tickSize: 0 }),
      floorRows.length > 0 ? Plot.ruleX(floorRows, { x: "value", fx, strokeDasharray: "4,3", stroke: "#888" }) : null,
      Plot.dot(runs, { x: "value", y: "strategy", stroke: "strategy", fx, r: 2.5, strokeOpacity: 0.45 }),
      Plot.ruleY(summary.filter(hasInterval), { y: "strategy", x1: "ci_low", x2: "ci_high", stroke: "strategy", fx }),
      Plot.dot(summary, { x: "mean", y: "strategy", fill: "strategy", symbol: "strategy", fx, r: 5, tip: true }),
    ],
  });
}

/** Metric axis labels on two lines ("Unplaced" over "functions"): a metric's band is narrow at 800 px. */
const twoLines = (label) => label.replace(" ", "\n");

/** The share of a metric's band the dodged strategies span (orchestrator/figures/relative-to-giraff/spec.ts). */
const DODGE_SPAN = 0.7;

/** The x of `strategy` at metric `index`: the band centre plus the strategy's slot (the paper figure's `dodgedX`). */
function dodgedX(index, strategy, domain) {
  const slot = domain.length <= 1 ? 0 : domain.indexOf(strategy) / (domain.length - 1) - 0.5;
  return index + slot * DODGE_SPAN;
}

/**
 * Placement methods relative to GIRAFF, as the paper figure draws it: per metric (x), σ from the auction strategy
 * of the same run group; per strategy and metric the mean over all its runs (every size pooled) with its 95 % CI,
 * and a line joining the strategy's means. The line, interval and point share one dodged x, so each line passes
 * through its own points; lines are opaque, each strategy has its colour and shape. Lower is better; 0 is GIRAFF.
 */
export function relativeToGiraff({ runs, summary }, metrics, { width = 640 } = {}) {
  const labels = new Map(metrics.map((m) => [m.metric, m.label]));
  const order = [...new Set([...metrics.map((m) => m.metric), ...summary.map((s) => s.panel)])];
  const domain = strategyDomain([...runs, ...summary]);
  const rows = summary.map((s) => ({
    ...s,
    metric: labels.get(s.panel) ?? s.panel,
    x: dodgedX(order.indexOf(s.panel), s.strategy, domain),
  }));
  return Plot.plot({
    title: "Placement methods relative to GIRAFF (σ; lower is better)",
    width,
    height: 340,
    marginLeft: 50,
    marginBottom: 40,
    y: { label: "σ relative to GIRAFF", grid: true },
    x: {
      domain: [-0.5, order.length - 0.5],
      ticks: order.map((_, i) => i),
      tickFormat: (i) => twoLines(labels.get(order[i]) ?? order[i]),
      tickSize: 0,
      label: null,
    },
    color: strategyColor(domain),
    symbol: strategySymbol(domain, { legend: true }),
    marks: [
      // Faint separators between the metrics' bands, so a dodged group reads as one metric.
      Plot.ruleX(order.slice(1), { x: (_, i) => i + 0.5, stroke: "#eee" }),
      Plot.ruleY([0], { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.line(rows, { x: "x", y: "mean", stroke: "strategy", z: "strategy", sort: "x", strokeWidth: 1.5 }),
      Plot.ruleX(rows.filter(hasInterval), {
        x: "x",
        y1: "ci_low",
        y2: "ci_high",
        stroke: "strategy",
        strokeWidth: 1.5,
      }),
      Plot.dot(rows, {
        x: "x",
        y: "mean",
        fill: "strategy",
        symbol: "strategy",
        r: 4.5,
        stroke: "white",
        strokeWidth: 0.75,
        channels: { metric: "metric", runs: "runs" },
        tip: { format: { x: false } },
      }),
    ],
  });
}
