/**
 * The Euro-Par figure set (reference/giraff.md §14.3) and the comparison relative to GIRAFF, as rows: per figure,
 * one value per run and a summary (mean, 95 % t-CI) per strategy × network size. The SQL is the paper figures'
 * own (orchestrator/figures/<figure>/query.ts, used read-only), so the report and the PDFs cannot disagree; the
 * panel labels too (the SLA-violation and spending definitions). Then the paired spending comparison per baseline
 * strategy (the `paired_spending` view, as the campaign summary prints it).
 */
import { rows } from "../../../orchestrator/analysis/connection.ts";
import { queryDeploymentTime } from "../../../orchestrator/figures/deployment-time/query.ts";
import { queryJainIndex } from "../../../orchestrator/figures/jain-index/query.ts";
import { queryLatency } from "../../../orchestrator/figures/latency/query.ts";
import { queryRelativeToGiraff } from "../../../orchestrator/figures/relative-to-giraff/query.ts";
import { RELATIVE_METRICS } from "../../../orchestrator/figures/relative-to-giraff/spec.ts";
import { querySlaViolations } from "../../../orchestrator/figures/sla-violations/query.ts";
import { SLA_VIOLATION_PANELS } from "../../../orchestrator/figures/sla-violations/spec.ts";
import { querySpending } from "../../../orchestrator/figures/spending/query.ts";
import { SPENDING_PANELS } from "../../../orchestrator/figures/spending/spec.ts";
import { LATENCY_CLASSES } from "../../../orchestrator/figures/unplaced-functions/spec.ts";
import { queryUnplacedFunctions } from "../../../orchestrator/figures/unplaced-functions/query.ts";
import { emitJson, withCampaignDb } from "../../lib/campaign-db.ts";

await emitJson(() =>
  withCampaignDb(async (con) => ({
    slaViolations: await querySlaViolations(con),
    slaViolationPanels: SLA_VIOLATION_PANELS,
    deploymentTime: await queryDeploymentTime(con),
    spending: await querySpending(con),
    spendingPanels: SPENDING_PANELS,
    latency: await queryLatency(con),
    unplaced: await queryUnplacedFunctions(con),
    unplacedClasses: LATENCY_CLASSES,
    jain: await queryJainIndex(con),
    relative: await queryRelativeToGiraff(con),
    relativeMetrics: RELATIVE_METRICS,
    paired: await rows(con, "SELECT * FROM paired_spending ORDER BY baseline"),
  })),
);
