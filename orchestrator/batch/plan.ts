/**
 * Which runs an invocation runs, and in which order. Pure functions of the job list and what the joblog says, so the
 * rules of each mode can be read (and tested) in one place. Runs are identified by Seq, the 1-based position in the
 * unshuffled job list, as GNU parallel does; the shuffle only changes the order, never the Seq.
 */
import { randomBytes } from "node:crypto";
import { seededRandom, shuffled } from "../../runtime/util/seeded-random.ts";
import { BatchError } from "./errors.ts";
import { isJoblogFailure, type JoblogEntry } from "./joblog.ts";
import type { BatchFile } from "./campaign-files.ts";
import type { BatchMode } from "./types.ts";

/** What the joblog says about one Seq: any line means finished; one successful line means succeeded (GNU). */
export interface SeqStatus {
  finished: boolean;
  succeeded: boolean;
}

export function seqStatus(joblog: readonly JoblogEntry[]): Map<number, SeqStatus> {
  const status = new Map<number, SeqStatus>();
  for (const entry of joblog) {
    const previous = status.get(entry.seq);
    status.set(entry.seq, { finished: true, succeeded: (previous?.succeeded ?? false) || !isJoblogFailure(entry) });
  }
  return status;
}

/** Whether a run with this status runs under `mode`. */
export function shouldRun(mode: BatchMode, status: SeqStatus | undefined): boolean {
  switch (mode) {
    case "fresh":
      return true;
    case "resume":
      return !status?.finished;
    case "resume-failed":
      return !status?.succeeded;
    case "retry-failed":
      return status !== undefined && status.finished && !status.succeeded;
  }
}

/**
 * Refuses a job list whose keys moved since batch.json was written: the joblog's Seqs would then point at other runs
 * (the very bug GNU's `--shuf --resume` has). Appending new jobs at the end is fine.
 */
export function checkSeqs(keys: readonly string[], recorded: BatchFile | null, dir: string): void {
  if (!recorded) return;
  const now = new Map(keys.map((key, i) => [key, i + 1]));
  for (const { seq, key } of recorded.jobs) {
    const current = now.get(key);
    const at = keys[seq - 1];
    if (current !== undefined && current !== seq) {
      throw new BatchError(
        `Run key \`${key}\` was Seq ${seq} in ${dir}/batch.json but is Seq ${current} now; the joblog matches runs by ` +
          `Seq, so keep the job list in its recorded order (new jobs go at the end) or start a new campaign directory.`,
        { field: "jobs", value: key },
      );
    }
    if (current === undefined && at !== undefined) {
      throw new BatchError(
        `Seq ${seq} was run key \`${key}\` in ${dir}/batch.json but is \`${at}\` now; keep the job list in its ` +
          `recorded order (new jobs go at the end) or start a new campaign directory.`,
        { field: "jobs", value: at },
      );
    }
  }
}

/** Run keys in the order to start them: the list order, or a Fisher–Yates shuffle seeded by `seed`. */
export function runOrder(keys: readonly string[], seed: string | null): string[] {
  return seed === null ? keys.slice() : shuffled(keys, seededRandom(seed));
}

/** A fresh seed for a shuffle that was not given one; it is recorded in batch.json, so the order can be replayed. */
export function drawSeed(): string {
  return randomBytes(6).toString("hex");
}
