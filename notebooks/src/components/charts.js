// Chart functions shared by the pages: rows in, a Plot figure out (no DOM or data access here). Plot is imported
// from node_modules with a bare specifier, so Framework bundles it offline (never `npm:`, see README.md).
import * as Plot from "@observablehq/plot";

/** GIRAFF's auction takes the first colour everywhere; the other strategies follow by name. */
export const REFERENCE_STRATEGY = "auction";

export function strategyDomain(rows) {
  const names = [...new Set(rows.map((r) => r.strategy))].sort();
  return names.includes(REFERENCE_STRATEGY)
    ? [REFERENCE_STRATEGY, ...names.filter((n) => n !== REFERENCE_STRATEGY)]
    : names;
}

const hasInterval = (s) =>
  s.ci_low !== null && s.ci_high !== null && Number.isFinite(s.ci_low) && Number.isFinite(s.ci_high);

/** The runs of the strategy × panel groups that span at least two network sizes (a fit through one size is NaN). */
function fittable(runs) {
  const sizes = new Map();
  for (const r of runs) {
    const key = `${r.strategy}\u0000${r.panel}`;
    sizes.set(key, (sizes.get(key) ?? new Set()).add(r.nodes));
  }
  return runs.filter((r) => sizes.get(`${r.strategy}\u0000${r.panel}`).size >= 2);
}

/**
 * The Euro-Par shape (reference/giraff.md §14.3): x = network size, colour = strategy, faint points per run, a
 * linear fit per strategy, the per-size mean with its 95 % CI. `rows` = {runs, summary} from the figure queries;
 * `panels` (optional) facets by the rows' `panel`; `floor` (optional) draws a dashed y = floor(nodes) line.
 */
export function metricBySize({ runs, summary }, { title, y, panels, floor, width = 640 }) {
  const domain = strategyDomain([...runs, ...summary]);
  const fx = panels === undefined ? undefined : "panel";
  const sizes = [...new Set([...runs, ...summary].map((r) => r.nodes))].sort((a, b) => a - b);
  const floorRows =
    floor === undefined
      ? []
      : (panels ?? [undefined]).flatMap((panel) => sizes.map((nodes) => ({ nodes, panel, value: floor(nodes) })));
  return Plot.plot({
    title,
    width,
    height: 300,
    marginLeft: 60,
    grid: true,
    x: {
      label: "Network size (nodes)",
      zero: false,
      nice: true,
      tickFormat: "d",
      ticks: sizes.length < 6 ? sizes : undefined,
    },
    y: { label: y },
    fx: panels === undefined ? undefined : { domain: panels, label: null },
    color: { domain, legend: true, label: "strategy" },
    marks: [
      floorRows.length > 0
        ? Plot.line(floorRows, { x: "nodes", y: "value", fx, strokeDasharray: "4,3", stroke: "#888" })
        : null,
      Plot.dot(runs, { x: "nodes", y: "value", stroke: "strategy", fx, r: 2.5, strokeOpacity: 0.45, tip: true }),
      Plot.linearRegressionY(fittable(runs), { x: "nodes", y: "value", stroke: "strategy", z: "strategy", fx, ci: 0 }),
      Plot.ruleX(summary.filter(hasInterval), { x: "nodes", y1: "ci_low", y2: "ci_high", stroke: "strategy", fx }),
      Plot.dot(summary, { x: "nodes", y: "mean", fill: "strategy", fx, r: 4, tip: true }),
    ],
  });
}

/**
 * Placement methods relative to GIRAFF: per metric (x), σ from the auction strategy of the same run group; faint
 * points per run, a line through each strategy's mean per metric, and per network size the mean (size = nodes)
 * with its 95 % CI. Lower is better; 0 is GIRAFF.
 */
export function relativeToGiraff({ runs, summary }, metrics, { width = 640 } = {}) {
  const label = new Map(metrics.map((m) => [m.metric, m.label]));
  const named = (r) => ({ ...r, metric: label.get(r.panel) ?? r.panel });
  const runRows = runs.map(named);
  const summaryRows = summary.map(named);
  const domain = strategyDomain([...runs, ...summary]);
  return Plot.plot({
    title: "Placement methods relative to GIRAFF (σ; lower is better)",
    width,
    height: 320,
    marginLeft: 60,
    grid: true,
    x: {
      domain: [...new Set([...metrics.map((m) => m.label), ...runRows.map((r) => r.metric)])],
      label: null,
      padding: 0.3,
    },
    y: { label: "σ relative to GIRAFF" },
    color: { domain, legend: true, label: "strategy" },
    r: { range: [2, 7] },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.dot(runRows, { x: "metric", y: "value", stroke: "strategy", r: 2, strokeOpacity: 0.4 }),
      Plot.lineY(runRows, Plot.groupX({ y: "mean" }, { x: "metric", y: "value", stroke: "strategy", z: "strategy" })),
      Plot.ruleX(summaryRows.filter(hasInterval), { x: "metric", y1: "ci_low", y2: "ci_high", stroke: "strategy" }),
      Plot.dot(summaryRows, { x: "metric", y: "mean", fill: "strategy", r: "nodes", tip: true }),
    ],
  });
}
