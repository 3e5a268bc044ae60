/**
 * Campaign configuration: a campaign folder (`.env` + variation files + `GIRAFF_…` environment) becomes one
 * validated {@link Campaign}, and {@link expandRuns} turns it into the run matrix. See `../README.md`.
 */
export { loadCampaign, CAMPAIGN_FILE, type LoadCampaignOptions } from "./load-campaign.ts";
export { expandRuns, type RunParams, type RunSpec, type TopologyParams } from "./expand-runs.ts";
export { CampaignConfigError, isCampaignConfigError, type CampaignConfigErrorFields } from "./errors.ts";
export { canonicalJson, deriveSeed, KEY_LENGTH, shortHash } from "./canonical.ts";
export { parseDotenv, DotenvSyntaxError } from "./dotenv.ts";
export { ENV_PREFIX, type CampaignWarning } from "./layers.ts";
export { DEFAULT_TEXTS } from "./defaults.ts";
export { VARIABLES, GIRAFF_IGNORED_VARIABLES, type VariableName } from "./variables.ts";
export { GIRAFF_MARKET_TAGS, GIRAFF_STRATEGY_FEATURES, GIRAFF_VALUATIONS } from "./strategies.ts";
export { PIPELINES, type PipelineName } from "./pipelines.ts";
export * from "./schema.ts";
