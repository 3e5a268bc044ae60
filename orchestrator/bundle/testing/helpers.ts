/**
 * A small finished campaign for the bundle tests: the analysis fixture's runs, plus what a real campaign folder
 * holds around them (campaign.json, topology and plan caches, logs, scenario), ingested and drawn.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { noopAnalysisEffects } from "../../analysis/effects.ts";
import { ingestCampaign } from "../../analysis/ingest.ts";
import { writeFixtureCampaign } from "../../analysis/testing/fixtures.ts";
import { writeFigures } from "../../figures/write-figures.ts";

/** 2024-05-01T12:00:00Z: bundles made in tests are named `<campaign>-bundle-2024-05-01`. */
export const FIXED_CLOCK = { now: () => Date.UTC(2024, 4, 1, 12) };

export async function writeFinishedCampaign(campaign: string): Promise<void> {
  writeFixtureCampaign(campaign);
  for (const dir of ["topologies", "plans"]) mkdirSync(join(campaign, dir));
  writeFileSync(join(campaign, "topologies", "t1.json"), JSON.stringify({ name: "t", nodes: [] }));
  writeFileSync(join(campaign, "plans", "p1.json"), JSON.stringify({ chains: [] }));
  writeFileSync(join(campaign, "campaign.json"), JSON.stringify({ campaign: { name: "c" }, runs: [{ key: "runA" }] }));
  for (const run of ["runA", "runB"]) {
    mkdirSync(join(campaign, run, "logs"));
    writeFileSync(join(campaign, run, "logs", "market.log"), "market listening on 127.0.0.1\n");
    writeFileSync(join(campaign, run, "scenario.json"), JSON.stringify({ seed: 1 }));
    writeFileSync(join(campaign, run, "plan.json"), JSON.stringify({ chains: [] }));
  }
  // A harmless .env: never copied, and its values are not secret-looking names.
  writeFileSync(join(campaign, ".env"), "EXPERIMENT_DURATION=60\n");
  await ingestCampaign(campaign, { effects: noopAnalysisEffects });
  await writeFigures(campaign);
}

/** Extracts `archive` into a new folder `into` and answers the bundle root inside it. */
export function extract(archive: string, into: string, name: string): string {
  mkdirSync(into, { recursive: true });
  execaSync("tar", ["-xzf", archive, "-C", into]);
  return join(into, name);
}
