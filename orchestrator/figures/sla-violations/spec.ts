/** "SLA Violations by Network Size": the share of function chains with at least one unacceptable request. */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import type { FigureRows } from "../types.ts";

export function slaViolations(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, { title: "SLA Violations by Network Size", yTitle: "Chains violating their SLA (%)" });
}
