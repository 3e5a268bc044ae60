/**
 * `runBatch`: the resumable batch runner that replaces GNU parallel. It reads what the campaign directory already
 * records, repairs what a kill left behind, picks the runs the mode asks for, runs them, and answers a summary.
 * See README.md for the flow and the vocabulary.
 */
import { join } from "node:path";
import { archivePreviousRuns } from "./archive.ts";
import { JOBLOG, LOGS, RUNS, readCampaignFiles, writeBatchFile } from "./campaign-files.ts";
import { defaultEffects } from "./effects.ts";
import { BatchError } from "./errors.ts";
import { exitCodeFor } from "./exit-code.ts";
import { JOBLOG_HEADER } from "./joblog.ts";
import { LineAppender } from "./line-file.ts";
import { acquireLock } from "./lock.ts";
import { normalizeBatchOptions, type BatchSpec } from "./options.ts";
import { checkSeqs, drawSeed, runOrder, seqStatus, shouldRun } from "./plan.ts";
import { recoverUnlogged } from "./recover.ts";
import { removeStaleRunDirectories } from "./run-directory.ts";
import { schedule, type PlannedRun } from "./schedule.ts";
import type { BatchEffects, BatchSummary, RunRecord } from "./types.ts";

/** Runs a batch in `spec.dir`; rejects with a BatchError on bad options or a campaign it must not touch. */
export async function runBatch(spec: BatchSpec): Promise<BatchSummary> {
  const opts = normalizeBatchOptions(spec);
  const effects: BatchEffects = { ...defaultEffects, ...spec.effects };
  const { dir, mode, fs } = { ...opts, fs: effects.fs };
  await fs.mkdir(join(dir, LOGS), { recursive: true });
  const release = await acquireLock(dir, fs);
  try {
    const keys = opts.jobs.map((j) => j.key);
    let files = await readCampaignFiles(dir, fs);
    const hasRecords = files.joblogExists || files.records.length > 0;
    if (mode === "fresh" && hasRecords) {
      if (!opts.force) {
        throw new BatchError(
          `${dir} already holds a batch (a joblog with ${files.joblog.length} run(s), ${files.records.length} attempt(s) in runs.jsonl); ` +
            `use mode \`resume\` to continue it, \`resume-failed\` to rerun its failures, or \`force\` (--force) to ` +
            `start over with the old records moved to ${dir}/archive/.`,
          { field: "mode", value: mode },
        );
      }
      effects.logger.warn(`Moved the previous batch to ${await archivePreviousRuns(dir, keys, effects)}.`);
      files = await readCampaignFiles(dir, fs);
    }
    if (mode === "retry-failed" && !files.joblogExists) {
      throw new BatchError(
        `${dir} has no joblog, so there is nothing to retry; use mode \`fresh\` to start the batch.`,
        {
          field: "mode",
          value: mode,
        },
      );
    }
    checkSeqs(keys, files.batchFile, dir);
    const warnings = [...files.warnings];
    warnings.forEach((w) => effects.logger.warn(w));
    if (files.joblogTornAt !== null) {
      // GNU parallel counts a torn line's Seq as done, or refuses the file; its record is rebuilt from runs.jsonl.
      const handle = await fs.open(join(dir, JOBLOG), "r+");
      await handle.truncate(files.joblogTornAt);
      await handle.close();
    }
    const stale = await removeStaleRunDirectories(dir, fs);
    if (stale.length > 0)
      effects.logger.info(`Removed ${stale.length} run director(ies) left by killed runs: ${stale.join(", ")}.`);

    const out = {
      joblog: await LineAppender.open(fs, join(dir, JOBLOG), { header: JOBLOG_HEADER }),
      runs: await LineAppender.open(fs, join(dir, RUNS)),
    };
    try {
      const recovered = await recoverUnlogged(dir, opts.jobs, files, out, effects);
      const status = seqStatus(files.joblog);
      const seed = opts.shuffle === false ? null : (opts.shuffle.seed ?? files.batchFile?.seed ?? drawSeed());
      const order = runOrder(keys, seed);
      const seqOf = new Map(keys.map((k, i) => [k, i + 1]));
      await writeBatchFile(
        dir,
        {
          version: 1,
          seed,
          order,
          jobs: keys.map((key, i) => ({ seq: i + 1, key })),
          updatedAt: new Date(effects.clock.now()).toISOString(),
        },
        fs,
      );
      const lastRecord = new Map<string, RunRecord>(files.records.map((r) => [r.runKey, r]));
      const planned: PlannedRun[] = [];
      for (const key of order) {
        const seq = seqOf.get(key)!;
        if (!shouldRun(mode, status.get(seq))) continue;
        const job = opts.jobs[seq - 1]!;
        // Like GNU's --retry-failed, replay the command line that was logged for the failed run.
        const argv = mode === "retry-failed" && "command" in job ? lastRecord.get(key)?.argv : undefined;
        planned.push({ job, seq, argv });
      }
      const skipped = keys.length - planned.length;
      effects.onProgress({ type: "plan", mode, total: keys.length, toRun: planned.length, skipped, seed });
      effects.logger.info(
        `${mode}: ${planned.length} run(s) to do, ${skipped} skipped${seed === null ? "" : `, shuffled with seed ${seed}`}.`,
      );
      const result = await schedule(planned, opts, effects, out);
      return {
        dir,
        mode,
        total: keys.length,
        skipped,
        ran: result.succeeded + result.failed,
        succeeded: result.succeeded,
        failed: result.failed,
        timedOut: result.timedOut,
        cancelled: result.cancelled,
        notStarted: result.notStarted,
        recovered,
        halted: result.halted,
        interrupted: result.interrupted,
        seed,
        order: planned.map((p) => p.job.key),
        warnings,
        exitCode: exitCodeFor(result.failed),
      };
    } finally {
      await out.joblog.close();
      await out.runs.close();
    }
  } finally {
    await release();
  }
}
