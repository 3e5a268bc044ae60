// The fidelity page's pieces: rows of data/fidelity.json in, DOM elements or Plot figures out. The verdicts and the
// sentences come from SQL (orchestrator/analysis/views/20-paper_claims.sql); this file only lays them out. Plain
// DOM (no `html` template: it would resolve to npm:, see README.md); Plot and d3 bundled from node_modules.
import * as Plot from "@observablehq/plot";
import { group } from "d3";
import { el } from "./dom.js";

const UNITS = { ratio: "", points: " pts", ms: " ms" };

/** Three significant digits, no trailing zeros: 0.224, 372, -33.3, 0. */
export function formatNumber(x) {
  return x === null || x === undefined ? "–" : String(Number(Number(x).toPrecision(3)));
}

/** A figure with its unit; differences in points carry their sign. */
export function formatValue(x, unit) {
  if (x === null || x === undefined) return "–";
  const sign = unit === "points" && x > 0 ? "+" : "";
  return `${sign}${formatNumber(x)}${UNITS[unit] ?? ""}`;
}

export function formatInterval(low, high) {
  return low === null || high === null ? "–" : `[${formatNumber(low)}, ${formatNumber(high)}]`;
}

/** The verdict as a coloured label (the text says it too). */
export function verdictBadge(verdict) {
  return el("span", { class: `verdict verdict-${verdict.replaceAll(" ", "-")}` }, verdict);
}

function threshold(row) {
  if (row.unit === "ratio") return `≤ ${row.threshold_label}, upper bound < 1`;
  if (row.unit === "points") return `upper bound ≤ ${row.threshold_label}`;
  return row.threshold === null ? "–" : `upper bound ≤ ${formatNumber(row.threshold)} ms (mean bound)`;
}

/** The distortion of a row's runs: "not measured" without run_emulation or without measurable runs. */
export function emulationText(row) {
  if (row.measured_runs === null || row.measured_runs === undefined || row.measured_runs === 0) return "not measured";
  const unmeasured = row.runs - row.measured_runs;
  const late =
    row.late_by_machine_hops > 0
      ? `; ${row.late_by_machine_hops} of ${row.late_hops} late hops late by the machine`
      : "";
  return (
    `${row.distorted_runs} of ${row.measured_runs} runs distorted` +
    (unmeasured > 0 ? ` (${unmeasured} not measured)` : "") +
    late
  );
}

/** The claim's verdict, its quote and its sentence. */
export function claimHeadline(verdict) {
  return el(
    "div",
    { class: "claim-headline", "data-claim": String(verdict.claim) },
    el("p", { class: "quote" }, `${verdict.paper}: “${verdict.quote}”`),
    el("p", {}, verdictBadge(verdict.verdict), " ", el("span", { class: "claim-reason" }, verdict.reason)),
  );
}

/** An empty <table> of class `className` with its header row. */
function headedTable(className, headers) {
  const table = el("table", { class: className });
  const head = table.createTHead().insertRow();
  head.append(...headers.map((h) => el("th", {}, h)));
  return table;
}

const CLAIM_HEADERS = ["baseline", "our figure", "95 % interval", "n", "threshold", "verdict", "emulation"];
const RUN_HEADERS = ["run", "strategy", "nodes", "repetition", "variation", "distorted", "params"];

/**
 * The rows of one claim, a block per part (its metric, then 'all' and one row per baseline), each row followed by
 * its sentence. Every row carries data-claim-id and data-baseline; the cells have classes (figure, interval, …).
 */
export function claimTable(rows) {
  const table = headedTable("claims", CLAIM_HEADERS);
  for (const partRows of group(rows, (r) => r.claim_id).values()) {
    const body = table.createTBody();
    const first = partRows.find((r) => r.baseline !== "all") ?? partRows[0];
    body.append(
      el(
        "tr",
        { class: "part" },
        el("th", { colspan: "7" }, `${partRows[0].part_name}: `, el("span", { class: "metric" }, first.metric)),
      ),
    );
    for (const r of partRows) {
      const attributes = { "data-claim-id": r.claim_id, "data-baseline": r.baseline };
      body.append(
        el(
          "tr",
          { ...attributes, class: r.baseline === "all" ? "all" : undefined },
          el("td", { class: "baseline" }, r.baseline === "all" ? "all baselines" : r.baseline),
          el("td", { class: "figure" }, formatValue(r.value, r.unit)),
          el("td", { class: "interval" }, formatInterval(r.ci_low, r.ci_high)),
          el("td", { class: "n" }, r.n === null ? "–" : `${r.n} ${r.n_unit}`),
          el("td", { class: "threshold" }, threshold(r)),
          el("td", { class: "verdict-cell" }, verdictBadge(r.verdict)),
          el("td", { class: "emulation" }, emulationText(r)),
        ),
        el("tr", { ...attributes, class: "reason" }, el("td", { colspan: "7" }, r.reason)),
      );
    }
  }
  return table;
}

/** The runs behind the verdicts, with their params and their distortion. */
export function runsTable(runs) {
  const table = headedTable("claim-runs", RUN_HEADERS);
  const body = table.createTBody();
  for (const r of runs) {
    const distorted = r.distorted === null ? "not measured" : r.distorted ? "yes" : "no";
    body.append(
      el(
        "tr",
        { "data-run": r.run_key },
        ...[r.run_key, r.strategy, r.nodes, r.repetition, r.variation, distorted].map((v) => el("td", {}, String(v))),
        el("td", { class: "params" }, el("code", {}, r.params ?? "")),
      ),
    );
  }
  return table;
}

/**
 * Auction / baseline spending per chain (log scale): each baseline's geometric mean with its 95 % interval, and the
 * mean over baselines; rules at 1/3 (WoSC'23), 0.3 (SLICES-FR 2025) and 1 (no saving).
 */
export function spendingChart(claims, { width = 640 } = {}) {
  const rows = claims
    .filter((r) => r.claim_id === "slices25-spending" && r.value !== null)
    .map((r) => ({ ...r, label: r.baseline === "all" ? "mean over baselines" : r.baseline }));
  const withInterval = rows.filter((r) => r.ci_low !== null && r.ci_high !== null);
  // the two thresholds are close: label 0.3 on its left and 1/3 on its right
  const rules = [
    { x: 0.3, text: "0.3 (SLICES-FR)", anchor: "end", dx: -3 },
    { x: 1 / 3, text: "1/3 (WoSC'23)", anchor: "start", dx: 3 },
    { x: 1, text: "1: no saving", anchor: "end", dx: -3 },
  ];
  return Plot.plot({
    title: "Auction / baseline spending per chain (winner's own bid), 95 % interval",
    width,
    height: 70 + 28 * rows.length,
    marginLeft: 140,
    marginRight: 20,
    marginTop: 30,
    x: { type: "log", label: "auction / baseline (log scale)", grid: true, tickFormat: "~g" },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.ruleX(rules, { x: "x", stroke: "#888", strokeDasharray: "4,3" }),
      ...rules.map((rule) =>
        Plot.text([rule], { x: "x", text: "text", textAnchor: rule.anchor, dx: rule.dx, frameAnchor: "top", dy: -12 }),
      ),
      Plot.ruleY(withInterval, { y: "label", x1: "ci_low", x2: "ci_high", stroke: "#4c78a8", strokeWidth: 2 }),
      Plot.dot(rows, { x: "value", y: "label", fill: "#4c78a8", r: 4, tip: true }),
    ],
  });
}

/** Auction − baseline per run pair (percentage points), per quality metric, with the +margin and 0 marked. */
export function qualityChart(claims, { width = 640 } = {}) {
  const rows = claims.filter((r) => r.claim === 2 && r.baseline !== "all" && r.value !== null);
  const withInterval = rows.filter((r) => r.ci_low !== null && r.ci_high !== null);
  const margins = [...new Set(rows.map((r) => r.threshold))];
  return Plot.plot({
    title: "Auction − baseline, percentage points (below the dashed margin: matching or better)",
    width,
    height: 80 + 24 * rows.length,
    marginLeft: 140,
    marginRight: 130,
    x: { label: "auction − baseline (points)", grid: true },
    y: { label: null },
    fy: { label: null },
    marks: [
      Plot.ruleX([0], { stroke: "#888" }),
      Plot.ruleX(margins, { stroke: "#c62828", strokeDasharray: "4,3" }),
      Plot.ruleY(withInterval, { fy: "part_name", y: "baseline", x1: "ci_low", x2: "ci_high", stroke: "#4c78a8" }),
      Plot.dot(rows, { fy: "part_name", y: "baseline", x: "value", fill: "#4c78a8", r: 4, tip: true }),
    ],
  });
}
