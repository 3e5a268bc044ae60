/**
 * A campaign's progress as a researcher reads it: the batch's run states (orchestrator/batch/progress.ts) with each
 * run's label from campaign.json, so a run that has not started yet is named too ("x1-r1-base-auction", not only its
 * key). Read by the report's overview when it is built and by `report:serve`'s live page while the campaign runs.
 */
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { readBatchProgress, type BatchProgress } from "../../batch/progress.ts";

export interface CampaignProgress extends BatchProgress {
  /** campaign.json's campaign name, or the directory's name. */
  campaign: string;
  /** Epoch ms when this was read. */
  readAt: number;
}

export async function readCampaignProgress(dir: string, now = Date.now()): Promise<CampaignProgress> {
  const progress = await readBatchProgress(dir);
  let name = basename(dir);
  const labels = new Map<string, string>();
  try {
    const doc = JSON.parse(await readFile(join(dir, "campaign.json"), "utf8")) as {
      campaign?: { name?: unknown };
      runs?: { key?: unknown; label?: unknown }[];
    };
    if (typeof doc.campaign?.name === "string") name = doc.campaign.name;
    for (const run of Array.isArray(doc.runs) ? doc.runs : []) {
      if (typeof run.key === "string" && typeof run.label === "string") labels.set(run.key, run.label);
    }
  } catch (err) {
    // a batch run without the campaign runner (or before it wrote campaign.json) has no labels: keys only
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      progress.warnings.push(`campaign.json could not be read: ${(err as Error).message}`);
    }
  }
  return {
    ...progress,
    campaign: name,
    readAt: now,
    runs: progress.runs.map((r) => ({ ...r, label: r.label ?? labels.get(r.key) ?? null })),
  };
}
