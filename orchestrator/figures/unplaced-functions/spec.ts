/**
 * "Unplaced Functions by Latency Class": the share of requested functions no node won, one panel per class of
 * the function's latency bound, because tight bounds are where placement fails first.
 */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import type { FigureRows } from "../types.ts";

/** The classes of `unplaced_functions.latency_class`, in display order ('unknown' bounds are not drawn). */
export const LATENCY_CLASSES = ["< 15 ms", "15–150 ms", "> 150 ms"] as const;

export function unplacedFunctions(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, {
    title: "Unplaced Functions by Latency Class",
    yTitle: "Unplaced functions (%)",
    panels: LATENCY_CLASSES,
  });
}
