/**
 * "SLA Violations by Network Size", one panel per definition GIRAFF used (reference/giraff.md §14.3 "Correction",
 * analysis/views/05b-chain_violation.sql): the final one (branch fix_paper) first, the headline figure.
 */
import type { TopLevelSpec } from "vega-lite";
import { metricBySizeSpec } from "../metric-by-size.ts";
import type { FigureRows } from "../types.ts";

/** Each definition's `run_metrics` column and panel label, in display order. */
export const SLA_VIOLATION_DEFINITIONS = [
  { metric: "sla_violation_pct", panel: "final: % of pseudo-chains violated" },
  { metric: "sla_violation_respected_pct", panel: "respected: % of chains violated" },
  { metric: "sla_violation_v3_pct", panel: "v3: mean % of hops violated" },
] as const;

export const SLA_VIOLATION_PANELS = SLA_VIOLATION_DEFINITIONS.map((d) => d.panel);

export function slaViolations(rows: FigureRows): TopLevelSpec {
  return metricBySizeSpec(rows, {
    title: "SLA Violations by Network Size",
    yTitle: "SLA violations (%)",
    panels: SLA_VIOLATION_PANELS,
  });
}
