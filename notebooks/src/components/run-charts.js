// The run page's charts with one row per SLA: the auction timeline, the bids per auction and the in-flight time of
// each hop. Rows of data/runs.json in, a Plot figure out. Every row is named by its SLA's short label
// (run-labels.js), and the left margin is measured from the longest label, so no label is ever cut.
import * as Plot from "@observablehq/plot";
import { rowAxis } from "./run-labels.js";

export const OUTCOMES = {
  domain: ["awarded", "refused"],
  range: ["#4c78a8", "#e45756"],
  legend: true,
  label: "outcome",
};

// Px per row: room for a 10 px label with a gap to the next one.
const ROW = 16;
// Framework's `width` is 0 while the page lays out; a chart that narrow would draw negative widths.
const MIN_WIDTH = 320;

function slaTitle(a) {
  return `SLA ${a.sla_id}\n${a.function_name ?? "?"}`;
}

/**
 * What every chart with one row per key shares: its `options` for Plot.plot (width, height, left margin, the keys
 * as the y domain) and the `axis` mark of measured labels (run-labels.js rowAxis).
 */
function rowFrame(keys, labelOf, titleOf, width) {
  width = Math.max(width, MIN_WIDTH);
  const { marginLeft, axis } = rowAxis(keys, labelOf, titleOf, width);
  const height = Math.max(140, ROW * keys.length + 60);
  return { axis, options: { width, height, marginLeft, y: { domain: keys, axis: null } } };
}

/** The frame of a chart with one row per auction, named by its SLA's label. */
function auctionFrame(auctions, labels, width) {
  const bySla = new Map(auctions.map((a) => [a.sla_id, a]));
  const ids = auctions.map((a) => a.sla_id);
  return rowFrame(
    ids,
    (id) => labels.get(id),
    (id) => slaTitle(bySla.get(id)),
    width,
  );
}

/** Auctions start to end on a time axis, one row per SLA, with each auction's duration written beside its start. */
export function auctionTimeline(auctions, labels, width) {
  const frame = auctionFrame(auctions, labels, width);
  const xMax = Math.max(1e-3, ...auctions.map((a) => a.end_s));
  const duration = (a) => (a.duration_ms === null ? "? ms" : `${Math.round(a.duration_ms)} ms`);
  // The duration goes right of the start; in the last third of the axis it goes left, so it never leaves the chart.
  const late = (a) => a.start_s > (2 / 3) * xMax;
  return Plot.plot({
    ...frame.options,
    title: "Auction start and duration per SLA",
    marginRight: 20,
    x: { label: "time since the first auction (s)", grid: true, domain: [0, xMax] },
    color: OUTCOMES,
    marks: [
      frame.axis,
      Plot.barX(auctions, { x1: "start_s", x2: "end_s", y: "sla_id", fill: "outcome", insetTop: 3, insetBottom: 3 }),
      Plot.dot(auctions, {
        x: "start_s",
        y: "sla_id",
        fill: "outcome",
        r: 2.5,
        tip: true,
        title: (a) =>
          `${slaTitle(a)}\n${a.outcome}${a.reason ? ` (${a.reason})` : ""}, ${duration(a)}\n` +
          `winner ${a.winner_name ?? a.winner ?? "–"}, price ${a.price ?? "–"}`,
      }),
      Plot.text(
        auctions.filter((a) => !late(a)),
        { x: "end_s", y: "sla_id", text: duration, textAnchor: "start", dx: 6, fill: "#555" },
      ),
      Plot.text(auctions.filter(late), {
        x: "start_s",
        y: "sla_id",
        text: duration,
        textAnchor: "end",
        dx: -6,
        fill: "#555",
      }),
    ],
  });
}

/** Bids the nodes sent for each SLA (bars) and bids the market received in time (ticks). */
export function bidsChart(auctions, labels, width) {
  const frame = auctionFrame(auctions, labels, width);
  const mostBids = Math.max(1, ...auctions.map((a) => Math.max(a.bids_sent, a.bids_received)));
  return Plot.plot({
    ...frame.options,
    title: "Bids sent and received per SLA",
    // Bids are counted: on a short axis Plot's ticks would fall between whole numbers (0.2, 0.4 …).
    x: {
      label: "bids",
      grid: true,
      ...(mostBids <= 12 ? { ticks: Array.from({ length: mostBids + 1 }, (_, i) => i), tickFormat: "d" } : {}),
    },
    color: OUTCOMES,
    marks: [
      frame.axis,
      Plot.barX(auctions, {
        x: "bids_sent",
        y: "sla_id",
        fill: "outcome",
        fillOpacity: 0.6,
        tip: true,
        title: (a) => `${slaTitle(a)}\n${a.bids_sent} bids sent by nodes, ${a.bids_received} received by the market`,
      }),
      Plot.tickX(auctions, { x: "bids_received", y: "sla_id", strokeWidth: 2 }),
      Plot.ruleX([0]),
    ],
  });
}

/** The key of one row of the hop chart: an SLA at one position of its chain. */
export const hopKey = (h) => `${h.sla_id} #${h.position}`;

/** Hop summary rows in the order of `order` (SLA ids, the timeline's order), then any SLA with hops but no auction. */
export function hopRows(hopSummary, order) {
  const rank = new Map(order.map((id, i) => [id, i]));
  return [...hopSummary].sort(
    (a, b) =>
      (rank.get(a.sla_id) ?? order.length) - (rank.get(b.sla_id) ?? order.length) ||
      a.sla_id.localeCompare(b.sla_id) ||
      a.position - b.position,
  );
}

/** In-flight time of each sampled hop per SLA and position (rows from {@link hopRows}), the SLA's bound in red. */
export function hopChart(hops, rows, labels, width, sample) {
  const byKey = new Map(rows.map((h) => [hopKey(h), h]));
  const labelOf = (k) => `${labels.get(byKey.get(k).sla_id) ?? byKey.get(k).sla_id} #${byKey.get(k).position}`;
  const titleOf = (k) => `${slaTitle(byKey.get(k))}\nhop position ${byKey.get(k).position}`;
  const frame = rowFrame(rows.map(hopKey), labelOf, titleOf, width);
  const sampled = hops.length >= sample ? ` (first ${sample} hops)` : "";
  return Plot.plot({
    ...frame.options,
    title: `In-flight time per hop${sampled}`,
    x: { label: "in-flight time (ms)", grid: true, zero: true },
    color: { domain: ["acceptable", "late or failed"], range: ["#4c78a8", "#f58518"], legend: true },
    marks: [
      frame.axis,
      Plot.tickX(
        rows.filter((h) => h.latency_max_ms !== null),
        { x: "latency_max_ms", y: hopKey, stroke: "red", strokeWidth: 2 },
      ),
      Plot.dot(hops, {
        x: "in_flight_ms",
        y: hopKey,
        stroke: (h) => (h.acceptable ? "acceptable" : "late or failed"),
        tip: true,
        title: (h) => `${h.req_id} → ${h.function_name}\n${h.in_flight_ms} ms (bound ${h.latency_max_ms ?? "?"} ms)`,
      }),
    ],
  });
}
