/**
 * The figure registry: each paper figure's file name, what it shows, where its rows come from and the pure
 * function that draws them. write-figures.ts, the CLI and the README's list all read this one table.
 */
import type { TopLevelSpec } from "vega-lite";
import type { DuckDBConnection } from "../analysis/connection.ts";
import { queryDeploymentTime } from "./deployment-time/query.ts";
import { deploymentTime } from "./deployment-time/spec.ts";
import { queryJainIndex } from "./jain-index/query.ts";
import { jainIndex } from "./jain-index/spec.ts";
import { queryLatency } from "./latency/query.ts";
import { latencyBetweenFunctions } from "./latency/spec.ts";
import { queryRelativeToGiraff } from "./relative-to-giraff/query.ts";
import { relativeToGiraff } from "./relative-to-giraff/spec.ts";
import { querySlaViolations } from "./sla-violations/query.ts";
import { slaViolations } from "./sla-violations/spec.ts";
import { querySpending } from "./spending/query.ts";
import { spendingPerChain } from "./spending/spec.ts";
import type { FigureRows } from "./types.ts";
import { queryUnplacedFunctions } from "./unplaced-functions/query.ts";
import { unplacedFunctions } from "./unplaced-functions/spec.ts";

export interface Figure {
  /** File name without extension, under `<campaignDir>/figures/`. */
  name: string;
  /** One line: what the figure shows. */
  description: string;
  query: (con: DuckDBConnection) => Promise<FigureRows>;
  spec: (rows: FigureRows) => TopLevelSpec;
}

// prettier-ignore
export const FIGURES: readonly Figure[] = [
  { name: "sla-violations", description: "SLA violations %, GIRAFF's three definitions (final, respected, v3.0.0)", query: querySlaViolations, spec: slaViolations },
  { name: "deployment-time", description: "deployment time of a chain (sum over its functions), ms", query: queryDeploymentTime, spec: deploymentTime },
  { name: "spending", description: "spending per chain: GIRAFF's (winner's own bid) and paid (second price)", query: querySpending, spec: spendingPerChain },
  { name: "latency", description: "mean in-flight time between functions, ms", query: queryLatency, spec: latencyBetweenFunctions },
  { name: "unplaced-functions", description: "% of requested functions not placed, by latency class", query: queryUnplacedFunctions, spec: unplacedFunctions },
  { name: "relative-to-giraff", description: "GIRAFF's five metrics (spending both ways) in σ relative to the auction", query: queryRelativeToGiraff, spec: relativeToGiraff },
  { name: "jain-index", description: "Jain's index of earnings per node, with the 1/n floor", query: queryJainIndex, spec: jainIndex },
];
