/**
 * The steps of a campaign, as run-campaign.mjs calls them in order (and `runCampaign`, for in-process callers).
 * Each lives in its own module with its tests; this is only the list.
 */
export { selectProvider } from "./select-provider.ts";
export { planRuns, type PlannedRuns } from "./plan-runs.ts";
export { planDeployments, printDryRun, checkCapacity, type DeploymentPlan } from "./plan-deployments.ts";
export { openDeployments } from "./deployments.ts";
export { recordCampaign } from "./record-campaign.ts";
export { runAll, type CampaignBatch } from "./run-all.ts";
export { RUN_STEPS, type RunSteps } from "./run-one.ts";
export { printRunSummary, finish } from "./summary.ts";
export { ingest, drawFigures } from "./analyse.ts";
