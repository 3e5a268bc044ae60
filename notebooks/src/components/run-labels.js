// Labels that fit on the run page's charts: SLAs named by a short id and their function, and any text measured in
// the font the chart draws it in, so that margins are computed from the longest label instead of guessed. A label
// longer than the room it may take is cut with an ellipsis and keeps its full text in a <title> (Plot's text mark
// adds one when it truncates; the page's own marks pass the full text as `title`).
import * as Plot from "@observablehq/plot";

/** Plot's default SVG font (the `font-family` and `font-size` Plot sets on every chart it draws). */
export const CHART_FONT = "10px system-ui, sans-serif";

let context;

/** The width in pixels of `text` drawn in `font`, measured by the browser (a canvas in the same font). */
export function textWidth(text, font = CHART_FONT) {
  context ??= document.createElement("canvas").getContext("2d");
  context.font = font;
  return context.measureText(String(text)).width;
}

/** `text` as it fits in `maxWidth` pixels: whole, or cut at the end with "…". */
export function fitText(text, maxWidth, font = CHART_FONT) {
  const s = String(text);
  if (textWidth(s, font) <= maxWidth) return s;
  // The longest prefix that still fits with the ellipsis (binary search: widths grow with the prefix).
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${s.slice(0, mid)}…`, font) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${s.slice(0, lo)}…`;
}

/**
 * The function's own name in a plan's encoded name `<fnName><yyyymmddHHMMSS>-i<index>-c…`
 * (orchestrator/plan/workload/function-name.ts); any other name is returned whole.
 */
export function functionBase(name) {
  if (name === null || name === undefined) return "";
  const m = /^(.+?)\d{14}-i\d+-/.exec(name);
  return m === null ? String(name) : m[1];
}

/**
 * A short name per SLA: the shortest prefix of its id (at least 8 characters, like a short git hash) that no other
 * SLA of the run shares, then its function's own name ("d0f6c612 imagePreProcessing").
 * `rows` carry `sla_id` and `function_name`; returns a Map from SLA id to label.
 */
export function slaLabels(rows) {
  const ids = [...new Set(rows.map((r) => r.sla_id))];
  // The first row's name wins: the page passes auction rows (the market's name for the SLA) before hop rows.
  const fn = new Map();
  for (const r of rows) if (!fn.has(r.sla_id) && r.function_name) fn.set(r.sla_id, r.function_name);
  let length = 8;
  while (
    length < Math.max(0, ...ids.map((id) => id.length)) &&
    new Set(ids.map((id) => id.slice(0, length))).size < ids.length
  ) {
    length += 4;
  }
  return new Map(
    ids.map((id) => {
      const base = functionBase(fn.get(id));
      return [id, base === "" || base === id ? id.slice(0, length) : `${id.slice(0, length)} ${base}`];
    }),
  );
}

/**
 * The left margin and y axis of a chart with one row per label: the margin holds the longest label as measured
 * (plus Plot's tick and padding), up to `maxShare` of the chart's width; labels longer than that are cut with an
 * ellipsis and the full text stays in the tick's <title>.
 * `labelOf(value)` and `titleOf(value)` give each y value's label and tooltip.
 */
export function rowAxis(values, labelOf, titleOf, width, maxShare = 0.4) {
  const TICK = 6; // Plot's tickSize for an axis
  const PADDING = 3; // Plot's tickPadding when the tick is 6 px
  const SLACK = 4; // a few pixels so that anti-aliasing never touches the svg's edge
  const room = Math.floor(width * maxShare) - TICK - PADDING - SLACK;
  const shown = new Map(values.map((v) => [v, fitText(labelOf(v), room)]));
  const longest = Math.max(0, ...[...shown.values()].map((s) => textWidth(s)));
  return {
    marginLeft: Math.ceil(longest) + TICK + PADDING + SLACK,
    axis: Plot.axisY({ tickSize: TICK, tickFormat: (v) => shown.get(v), title: (v) => titleOf(v), label: null }),
  };
}
