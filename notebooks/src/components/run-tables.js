// The run page's numbers as text: the run's counts, and tables per SLA and per node. Plain DOM (no `html` template:
// it would resolve to npm:, see README.md). Rows and cells carry data-* attributes and classes naming what they
// hold, so that readers of the DOM (the page's browser test) find each number without parsing the layout.
import { el } from "./dom.js";

/** Integers whole, other numbers to three significant digits, a dash for none: 12, 0.858, 1.26e+3 → 1260. */
export function formatNumber(x) {
  if (x === null || x === undefined) return "–";
  const n = Number(x);
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(3)));
}

/**
 * A sentence of counts as a tagged template: the text as written, each `${name}` replaced by `counts[name]` in a
 * span that says which count it is (`data-stat`), so `` countsText(s)`${"hops"} hops.` `` reads as the sentence.
 */
export const countsText =
  (counts) =>
  (texts, ...names) =>
    texts.flatMap((text, i) => [
      text,
      i < names.length ? el("span", { class: "stat", "data-stat": names[i] }, formatNumber(counts[names[i]])) : null,
    ]);

/** The run's counts, each straight from its table (data/runs.json.ts, `stats`). */
export function runCounts(s) {
  const text = countsText(s);
  return el(
    "p",
    { class: "run-counts" },
    ...text`${"auctions"} auctions (${"awarded"} awarded, ${"refused"} refused); `,
    ...text`${"bids_sent"} bids sent by the nodes, ${"bids_received"} received by the market in time; `,
    ...text`${"placed"} functions placed on the ${"topology_nodes"} nodes of the topology`,
    ...(s.placed_outside > 0 ? text` (${"placed_outside"} more on nodes outside it)` : []),
    ...text`; ${"hops"} hops measured.`,
  );
}

/** A table under its caption, in a box of at most 30em that scrolls, its header kept in view. */
function scrollingTable(className, caption, columns, rows, cellsOf, rowAttributes) {
  const sticky = "position: sticky; top: 0; background: var(--theme-background, white)";
  const head = el("tr", {}, ...columns.map(([, title]) => el("th", { style: sticky }, title)));
  const body = rows.map((r) =>
    el(
      "tr",
      rowAttributes(r),
      ...cellsOf(r).map((cell, i) => el("td", { class: columns[i][0], ...cell.attributes }, cell.text)),
    ),
  );
  return el(
    "div",
    { class: "run-table", style: "margin: 1em 0" },
    el("p", { style: "font-weight: 600; margin: 0 0 0.3em" }, caption),
    el(
      "div",
      { style: "max-height: 30em; overflow: auto" },
      el("table", { class: className, style: "margin: 0" }, el("thead", {}, head), el("tbody", {}, ...body)),
    ),
  );
}

// An SLA's short name reads as one token (wrapping its id from its function would read as two rows); a function
// name outside the plan's scheme can be long, so the cell ends in an ellipsis, the full name in its tooltip.
const NOWRAP = "white-space: nowrap; max-width: 16em; overflow: hidden; text-overflow: ellipsis";
const cell = (text, attributes = {}) => ({ text: String(text), attributes });
const num = (x) => cell(formatNumber(x));

/** One row per auction: outcome, duration, bids, winner and price. */
export function auctionTable(auctions, labels) {
  const columns = [
    ["sla", "SLA"],
    ["outcome", "outcome"],
    ["duration", "duration (ms)"],
    ["bids-sent", "bids sent"],
    ["bids-received", "bids received"],
    ["winner", "winner"],
    ["winning-bid", "winning bid"],
    ["price", "price"],
  ];
  return scrollingTable(
    "run-auctions",
    "Auctions per SLA",
    columns,
    auctions,
    (a) => [
      cell(labels.get(a.sla_id), { title: `SLA ${a.sla_id}\n${a.function_name ?? ""}`, style: NOWRAP }),
      cell(a.outcome === "refused" && a.reason ? `refused (${a.reason})` : (a.outcome ?? "–")),
      num(a.duration_ms),
      num(a.bids_sent),
      num(a.bids_received),
      cell(a.winner_name ?? a.winner ?? "–", a.winner ? { title: a.winner } : {}),
      num(a.winning_bid),
      num(a.price),
    ],
    (a) => ({ "data-sla": a.sla_id }),
  );
}

/** One row per SLA and hop position: in-flight time statistics over every hop, against the SLA's bound. */
export function hopTable(hopSummary, labels) {
  const columns = [
    ["sla", "SLA"],
    ["position", "position"],
    ["hops", "hops"],
    ["mean", "mean (ms)"],
    ["p50", "p50 (ms)"],
    ["p95", "p95 (ms)"],
    ["max", "max (ms)"],
    ["bound", "bound (ms)"],
    ["acceptable", "acceptable (%)"],
  ];
  return scrollingTable(
    "run-hops",
    "In-flight time per SLA and hop position, over every hop",
    columns,
    hopSummary,
    (h) => [
      cell(labels.get(h.sla_id) ?? h.sla_id, { title: `SLA ${h.sla_id}\n${h.function_name ?? ""}`, style: NOWRAP }),
      num(h.position),
      num(h.hops),
      num(h.mean_ms),
      num(h.p50_ms),
      num(h.p95_ms),
      num(h.max_ms),
      num(h.latency_max_ms),
      num(h.acceptable_pct),
    ],
    (h) => ({ "data-sla": h.sla_id, "data-position": h.position }),
  );
}

/** Every node with functions placed on it, most first: what the tree shows per node, edge nodes in groups included. */
export function placementsTable(nodes) {
  const names = new Map(nodes.map((n) => [n.node_id, n.name]));
  const placed = nodes.filter((n) => n.placements > 0).sort((a, b) => b.placements - a.placements || a.level - b.level);
  const columns = [
    ["node", "node"],
    ["level", "level"],
    ["parent", "parent"],
    ["placements", "functions placed"],
  ];
  return scrollingTable(
    "run-placements",
    "Nodes with functions placed",
    columns,
    placed,
    (n) => [
      cell(n.name, { title: n.node_id }),
      num(n.level),
      cell(n.parent === null ? "–" : (names.get(n.parent) ?? n.parent)),
      num(n.placements),
    ],
    (n) => ({ "data-node": n.node_id }),
  );
}
