/**
 * The Euro-Par figure set (reference/giraff.md §14.3) and the comparison relative to GIRAFF, as rows: per figure,
 * one value per run and a summary (mean, 95 % t-CI) per strategy × network size. The SQL is the paper figures'
 * own (orchestrator/figures/<figure>/query.ts, used read-only), so the report and the PDFs cannot disagree.
 */
import { queryDeploymentTime } from "../../../orchestrator/figures/deployment-time/query.ts";
import { queryJainIndex } from "../../../orchestrator/figures/jain-index/query.ts";
import { queryLatency } from "../../../orchestrator/figures/latency/query.ts";
import { queryRelativeToGiraff } from "../../../orchestrator/figures/relative-to-giraff/query.ts";
import { RELATIVE_METRICS } from "../../../orchestrator/figures/relative-to-giraff/spec.ts";
import { querySlaViolations } from "../../../orchestrator/figures/sla-violations/query.ts";
import { querySpending } from "../../../orchestrator/figures/spending/query.ts";
import { LATENCY_CLASSES } from "../../../orchestrator/figures/unplaced-functions/spec.ts";
import { queryUnplacedFunctions } from "../../../orchestrator/figures/unplaced-functions/query.ts";
import { emitJson, withCampaignDb } from "../../lib/campaign-db.ts";

await emitJson(() =>
  withCampaignDb(async (con) => ({
    slaViolations: await querySlaViolations(con),
    deploymentTime: await queryDeploymentTime(con),
    spending: await querySpending(con),
    latency: await queryLatency(con),
    unplaced: await queryUnplacedFunctions(con),
    unplacedClasses: LATENCY_CLASSES,
    jain: await queryJainIndex(con),
    relative: await queryRelativeToGiraff(con),
    relativeMetrics: RELATIVE_METRICS,
  })),
);
