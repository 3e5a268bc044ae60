/**
 * The campaign's provider: `--provider` or the campaign's `PROVIDER`, looked up in the registry
 * (providers/index.ts), which parses the provider's own settings once. The campaign's `.env` is read here for
 * them, as written: the config resolved GIRAFF's variables, each provider reads its own (`G5K_…`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { selectProvider as lookUp, type SelectedProvider } from "../../providers/index.ts";
import { CAMPAIGN_FILE } from "../config/load-campaign.ts";
import { parseDotenv } from "../config/dotenv.ts";
import type { Campaign } from "../config/schema.ts";

export async function selectProvider(
  campaign: Campaign,
  name: string | undefined,
  log: (line: string) => void,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Promise<SelectedProvider> {
  const provider = await lookUp(name ?? campaign.deployment.provider, {
    campaign: campaign.name,
    campaignEnv: parseDotenv(readFileSync(join(campaign.folder, CAMPAIGN_FILE), "utf8")),
    environment,
    deployment: {
      cluster: campaign.deployment.cluster,
      walltimeS: campaign.deployment.walltime.seconds,
      doNotExecuteIfEndingAfter: campaign.deployment.doNotExecuteIfEndingAfter,
      allowDayJobs: campaign.deployment.allowDayJobs,
    },
    log,
  });
  // the config warns about variables it does not know; the provider's own are not unknown
  for (const w of campaign.warnings) {
    if (!provider.readsVariable(w.variable)) log(`warning: ${w.file}: ${w.message}`);
  }
  return provider;
}
