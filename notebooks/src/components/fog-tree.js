// The fog tree of one run with the functions placed on each node, readable from a handful of nodes to GIRAFF's
// large networks (663 nodes). The tree is drawn left to right, one row per leaf: labels sit right of their node,
// nodes of one depth are at least a row apart and each depth has a column as wide as its labels may be, so no two
// labels can meet. Beyond MAX_ROWS rows the leaves of each parent are drawn as one group node ("12 edge nodes (5)"),
// its disc sized by the functions placed on them summed; the group's tooltip and the page's table of placements
// still give every node's own count.
import * as Plot from "@observablehq/plot";
import { group, stratify, tree } from "d3";
import { fitText } from "./run-labels.js";

/** Rows of the tree before the leaves are grouped (GIRAFF's 32-node networks stay whole). */
export const MAX_ROWS = 80;
const ROW = 18; // px between two rows: a 10 px label and its white halo
const R_MAX = ROW / 2 - 1; // the largest disc still clears the next row
const PAD = 12; // px around the drawing

/**
 * The rows to draw: the topology's nodes, or, when it has more than `maxRows` leaves, the same with the edge nodes
 * (leaves on the deepest level) of each parent that has several replaced by one group row. Returns {rows, grouped}: `grouped` counts the nodes
 * folded into groups.
 */
export function groupLeaves(nodes, maxRows = MAX_ROWS) {
  const children = group(
    nodes.filter((n) => n.parent !== null),
    (n) => n.parent,
  );
  const isLeaf = (n) => !children.has(n.node_id);
  if (nodes.filter(isLeaf).length <= maxRows) return { rows: nodes, grouped: 0 };
  // Only the edge tier (leaves on the deepest level) is grouped: a leaf higher up (a cloud node without children)
  // is a different kind of node and keeps its own row.
  const deepest = Math.max(...nodes.map((n) => n.level));
  const folded = new Set();
  const groups = [];
  for (const [parent, kids] of children) {
    const leaves = kids.filter((n) => isLeaf(n) && n.level === deepest);
    if (leaves.length < 2) continue;
    for (const l of leaves) folded.add(l);
    groups.push({
      node_id: `\u0000group:${parent}`,
      name: `${leaves.length} edge nodes`,
      level: leaves[0].level,
      parent,
      placements: leaves.reduce((s, l) => s + l.placements, 0),
      members: leaves,
    });
  }
  return { rows: [...nodes.filter((n) => !folded.has(n)), ...groups], grouped: folded.size };
}

/** One tree over `rows`: several roots (or a parent outside the topology) hang under one invisible root. */
function hierarchy(rows) {
  const ids = new Set(rows.map((n) => n.node_id));
  const roots = rows.filter((n) => n.parent === null || !ids.has(n.parent));
  const all =
    roots.length === 1
      ? rows
      : [
          { node_id: "\u0000root", parent: null, virtual: true },
          ...rows.map((n) => (roots.includes(n) ? { ...n, parent: "\u0000root" } : n)),
        ];
  return stratify()
    .id((d) => d.node_id)
    .parentId((d) => d.parent)(all);
}

function nodeLabel(d) {
  return d.placements > 0 ? `${d.name} (${d.placements})` : d.name;
}

function nodeTitle(d) {
  if (d.members === undefined) {
    return `${d.name} (${d.node_id}), level ${d.level}\n${d.placements} functions placed`;
  }
  const placed = d.members.filter((m) => m.placements > 0).sort((a, b) => b.placements - a.placements);
  const lines = placed.map((m) => `${m.name}: ${m.placements}`);
  const none = d.members.length - placed.length;
  return (
    `${d.members.length} edge nodes, level ${d.level}: ${d.placements} functions placed\n` +
    `${lines.join("\n")}${none > 0 ? `${lines.length > 0 ? "\n" : ""}${none} with none` : ""}`
  );
}

/** Says in data what a label shows, for readers of the DOM (screen readers, the page's browser test). */
function nodeAria(d) {
  return d.members === undefined
    ? `node ${d.name}: ${d.placements} functions placed`
    : `group of ${d.members.length} edge nodes: ${d.placements} functions placed`;
}

/**
 * The fog tree as a Plot figure `width` px wide, with `rows` from {@link groupLeaves}. Node positions are computed
 * here in pixels (d3's tree layout, one row per leaf, one column per depth) and drawn on identity scales.
 */
export function fogTree(rows, width) {
  width = Math.max(width, 320);
  const root = hierarchy(rows);
  tree()
    .nodeSize([ROW, 1])
    .separation(() => 1)(root);
  const shown = root.descendants().filter((d) => !d.data.virtual);
  const depth0 = Math.min(...shown.map((d) => d.depth));
  const depths = Math.max(...shown.map((d) => d.depth)) - depth0 + 1;
  // Each depth gets an equal column; a node's label may take its column but the disc and a gap.
  const column = (width - 2 * PAD) / depths;
  const top = Math.min(...shown.map((d) => d.x));
  const maxPlaced = Math.max(1, ...shown.map((d) => d.data.placements));
  const radius = (p) => (p > 0 ? Math.max(3, R_MAX * Math.sqrt(p / maxPlaced)) : 3);
  const points = shown.map((d) => {
    const px = PAD + (d.depth - depth0) * column;
    const r = radius(d.data.placements);
    const labelX = px + Math.max(r, 3) + 4;
    return {
      ...d.data,
      px,
      py: PAD + ROW / 2 + (d.x - top),
      r,
      labelX,
      label: fitText(nodeLabel(d.data), PAD + (d.depth - depth0 + 1) * column - labelX - 6),
    };
  });
  const at = new Map(points.map((p) => [p.node_id, p]));
  const links = root
    .links()
    .filter((l) => !l.source.data.virtual)
    .map((l) => ({ source: at.get(l.source.id), target: at.get(l.target.id), latency: l.target.data.latency_ms }));
  const height = Math.max(...points.map((p) => p.py)) + ROW / 2 + PAD;
  const full = (p) => nodeLabel(p);
  return Plot.plot({
    title: "Functions placed per fog node",
    width,
    height,
    margin: 0,
    x: { type: "identity", axis: null },
    y: { type: "identity", axis: null },
    r: { type: "identity" },
    marks: [
      Plot.link(links, {
        x1: (l) => l.source.px,
        y1: (l) => l.source.py,
        x2: (l) => l.target.px,
        y2: (l) => l.target.py,
        curve: "bump-x",
        stroke: "#bbb",
        title: (l) => `${l.target.name}: ${l.latency ?? "?"} ms to its parent`,
      }),
      Plot.dot(points, {
        x: "px",
        y: "py",
        r: "r",
        symbol: (p) => (p.members === undefined ? "circle" : "square"),
        fill: (p) => (p.placements > 0 ? "#4c78a8" : "white"),
        fillOpacity: 0.8,
        stroke: "#555",
        tip: true,
        title: nodeTitle,
      }),
      Plot.text(points, {
        x: "labelX",
        y: "py",
        text: "label",
        textAnchor: "start",
        fill: (p) => (p.placements > 0 ? "#222" : "#888"),
        stroke: "white",
        strokeWidth: 3,
        ariaLabel: nodeAria,
        // The full label when the column cut it; Plot's own truncation is not used, so the title is given here.
        title: (p) => (p.label === full(p) ? null : full(p)),
      }),
    ],
  });
}
