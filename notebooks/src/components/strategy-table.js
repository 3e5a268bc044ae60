// The strategies page's tables: the figure rows in, a <table> out, so every number a chart draws can also be read
// (and checked: notebooks/strategies.test.ts reads these cells back against the database). Plain DOM (no `html`
// template: it would resolve to npm:, see README.md).
import { strategyDomain } from "./charts.js";
import { el } from "./dom.js";

/** Three significant digits, no trailing zeros (0.224, 372, −33.3, 0); "–" for none. */
export function formatNumber(x) {
  return x === null || x === undefined || !Number.isFinite(x) ? "–" : String(Number(Number(x).toPrecision(3)));
}

/** "[low, high]", or "–" when there is no interval (a single run). */
export function formatInterval(low, high) {
  return low === null || high === null || low === undefined || high === undefined
    ? "–"
    : `[${formatNumber(low)}, ${formatNumber(high)}]`;
}

/** A table of `columns` ({key, label, class}) over `rows`; `rowData(row)` gives each <tr>'s data-* attributes. */
export function table(className, columns, rows, rowData = () => ({})) {
  return el(
    "table",
    { class: className },
    el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { class: c.class }, c.label)))),
    el(
      "tbody",
      {},
      ...rows.map((r) => el("tr", rowData(r), ...columns.map((c) => el("td", { class: c.class }, String(r[c.key]))))),
    ),
  );
}

/**
 * "12.3 [10.1, 14.5] (3 runs)": the mean, its 95 % interval when there is one (not for a single run), and the runs,
 * each in its own span.
 */
function summaryCell(row) {
  if (row === undefined) return el("td", { class: "none" }, "–");
  const interval = formatInterval(row.ci_low, row.ci_high);
  return el(
    "td",
    { class: "summary", "data-panel": row.panel },
    el("span", { class: "mean" }, formatNumber(row.mean)),
    interval === "–" ? null : " ",
    interval === "–" ? null : el("span", { class: "interval" }, interval),
    " ",
    el("span", { class: "runs" }, `(${row.runs} run${row.runs === 1 ? "" : "s"})`),
  );
}

/**
 * The summary rows of one figure as a table: a row per strategy (× network size when there are several), a column
 * per panel (definition, latency class, metric), each cell the mean with its 95 % interval and its runs. Rows in
 * the charts' order: strategy (the auction first), then size.
 */
export function summaryTable(summary, { panels, sizes = true }) {
  const domain = strategyDomain(summary);
  const columns = panels ?? [...new Set(summary.map((r) => r.panel))];
  const keys = [...new Map(summary.map((r) => [`${r.strategy}\u0000${r.nodes}`, r])).values()].sort(
    (a, b) => domain.indexOf(a.strategy) - domain.indexOf(b.strategy) || (a.nodes ?? 0) - (b.nodes ?? 0),
  );
  const cell = new Map(summary.map((r) => [`${r.strategy}\u0000${r.nodes}\u0000${r.panel}`, r]));
  const head = [
    el("th", { class: "strategy" }, "strategy"),
    sizes ? el("th", { class: "nodes" }, "nodes") : null,
    ...columns.map((p) => el("th", { class: "panel" }, panels === undefined ? "mean [95 % interval]" : p)),
  ];
  const body = keys.map((k) =>
    el(
      "tr",
      { "data-strategy": k.strategy, "data-nodes": k.nodes ?? "all" },
      el("td", { class: "strategy" }, k.strategy),
      sizes ? el("td", { class: "nodes" }, String(k.nodes)) : null,
      ...columns.map((p) => summaryCell(cell.get(`${k.strategy}\u0000${k.nodes}\u0000${p}`))),
    ),
  );
  return el("table", { class: "strategy-numbers" }, el("thead", {}, el("tr", {}, ...head)), el("tbody", {}, ...body));
}

const DEFINITIONS = [
  { kind: "giraff", label: "GIRAFF (own bid)" },
  { kind: "charged", label: "paid (2nd price)" },
];

/**
 * The paired spending comparison (the `paired_spending` view): per baseline and spending definition, the chains
 * paired and excluded, the geometric mean of auction / baseline spending per chain with its 95 % interval, and the
 * ratio of the totals. One row per baseline × definition, so each cell holds one number.
 */
export function pairedTable(paired) {
  const rows = paired.flatMap((r) =>
    DEFINITIONS.map(({ kind, label }) => ({
      baseline: r.baseline,
      kind,
      definition: label,
      runPairs: r.run_pairs,
      chainsPaired: r.chains_paired,
      chainsExcluded: r.chains_excluded,
      chains: r[`ratio_${kind}_chains`],
      geomean: r[`ratio_${kind}_chains`] === 0 ? "–" : formatNumber(r[`ratio_${kind}_geomean`]),
      interval: formatInterval(r[`ratio_${kind}_ci_low`], r[`ratio_${kind}_ci_high`]),
      totals: formatNumber(r[`ratio_${kind}_of_totals`]),
    })),
  );
  // The chains a ratio is over are the chains paired, unless some had no spending; the column only when they differ.
  const differ = rows.some((r) => r.chains !== r.chainsPaired);
  const columns = [
    { key: "baseline", label: "baseline", class: "baseline" },
    { key: "definition", label: "spending", class: "definition" },
    { key: "runPairs", label: "run pairs", class: "run-pairs" },
    { key: "chainsPaired", label: "chains paired", class: "chains-paired" },
    { key: "chainsExcluded", label: "chains excluded", class: "chains-excluded" },
    differ ? { key: "chains", label: "chains compared", class: "chains" } : null,
    { key: "geomean", label: "auction / baseline (geometric mean)", class: "geomean" },
    { key: "interval", label: "95 % interval", class: "interval" },
    { key: "totals", label: "ratio of totals", class: "totals" },
  ].filter((c) => c !== null);
  return table("paired-spending", columns, rows, (r) => ({ "data-baseline": r.baseline, "data-kind": r.kind }));
}

/** The table inside a closed <details> whose summary says what it holds. */
export function folded(summaryText, content) {
  return el("details", { class: "numbers" }, el("summary", {}, summaryText), content);
}
