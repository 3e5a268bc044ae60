/**
 * Brings the campaign's files back in step after a kill. A run's outcome is written in three steps: its directory is
 * renamed into place, then its record goes to runs.jsonl, then its line goes to the joblog. A kill between two steps
 * leaves a finished run that a resume would otherwise run again; here the missing record is rebuilt from the run's
 * manifest and the missing joblog line from the record, so every run is logged exactly once.
 */
import { join } from "node:path";
import type { CampaignFiles } from "./campaign-files.ts";
import { formatJoblogLine, parseJoblogLine } from "./joblog.ts";
import type { LineAppender } from "./line-file.ts";
import { readManifest } from "./manifest.ts";
import type { BatchEffects, BatchJob } from "./types.ts";

export async function recoverUnlogged(
  dir: string,
  jobs: readonly BatchJob[],
  files: CampaignFiles,
  out: { joblog: LineAppender; runs: LineAppender },
  effects: Pick<BatchEffects, "fs" | "onProgress">,
): Promise<number> {
  let recovered = 0;
  for (const job of jobs) {
    const manifest = await readManifest(join(dir, job.key), effects.fs);
    if (!manifest || manifest.record.runKey !== job.key) continue;
    const { record } = manifest;
    const known = files.records.some((r) => r.runKey === job.key && r.startedAt === record.startedAt);
    if (known) continue;
    await out.runs.append(JSON.stringify(record));
    files.records.push(record);
    effects.onProgress({ type: "recovered", runKey: record.runKey, seq: record.seq, from: "manifest" });
    recovered++;
  }
  const logged = new Set(files.joblog.map((e) => `${e.seq}@${e.startTime.toFixed(3)}`));
  for (const record of files.records) {
    if (!record.final || record.cancelled) continue;
    if (logged.has(`${record.seq}@${(record.startedAt / 1000).toFixed(3)}`)) continue;
    const line = formatJoblogLine(record);
    await out.joblog.append(line);
    files.joblog.push(parseJoblogLine(line)!);
    effects.onProgress({ type: "recovered", runKey: record.runKey, seq: record.seq, from: "runs.jsonl" });
    recovered++;
  }
  return recovered;
}
