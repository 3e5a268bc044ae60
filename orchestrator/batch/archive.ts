/**
 * `fresh` with `force` over a campaign that already has records: rather than deleting results, move what the batch
 * runner owns (joblog, runs.jsonl, batch.json, logs/ and the run directories of the listed keys) to
 * `archive/<time>/`. Other files of the campaign directory (campaign.json, …) stay where they are.
 */
import { join } from "node:path";
import { BATCH_FILE, JOBLOG, LOGS, RUNS } from "./campaign-files.ts";
import type { BatchEffects } from "./types.ts";

export async function archivePreviousRuns(
  dir: string,
  keys: readonly string[],
  effects: Pick<BatchEffects, "fs" | "clock">,
): Promise<string> {
  const stamp = new Date(effects.clock.now()).toISOString().replace(/[:.]/g, "-");
  const target = join(dir, "archive", stamp);
  await effects.fs.mkdir(target, { recursive: true });
  const names = new Set([JOBLOG, RUNS, BATCH_FILE, LOGS, ...keys.flatMap((k) => [k, `${k}.err`])]);
  for (const name of await effects.fs.readdir(dir)) {
    if (names.has(name)) await effects.fs.rename(join(dir, name), join(target, name));
  }
  return target;
}
