/**
 * Runs the selected runs with bounded concurrency (p-limit), attempts each up to `retries` times, applies the halt
 * rule, and stops everything when the caller's signal aborts. Each attempt is written to runs.jsonl, then (when it
 * is the run's outcome) to the joblog; cancelled attempts never reach the joblog, so a resume reruns them.
 */
import { join } from "node:path";
import pLimit from "p-limit";
import { runCommand, runFunction, type AttemptOutcome } from "./attempt.ts";
import { LOGS } from "./campaign-files.ts";
import { shouldHalt } from "./halt.ts";
import { commandLine, formatJoblogLine } from "./joblog.ts";
import type { LineAppender } from "./line-file.ts";
import { writeManifest } from "./manifest.ts";
import type { BatchOptions } from "./options.ts";
import { withRunDirectory } from "./run-directory.ts";
import type { BatchEffects, BatchJob, RunContext, RunRecord } from "./types.ts";

/** One run to do: the job, its Seq, and for command jobs the argv to spawn (the recorded one under retry-failed). */
export interface PlannedRun {
  job: BatchJob;
  seq: number;
  argv: readonly string[] | undefined;
}

export interface ScheduleResult {
  succeeded: number;
  failed: number;
  timedOut: number;
  cancelled: number;
  notStarted: number;
  halted: { rule: string; reason: string } | null;
  interrupted: boolean;
}

/** Thrown inside the run directory so that a failed attempt leaves `<key>.err`; carries the attempt's record. */
class AttemptFailed extends Error {
  constructor(readonly record: RunRecord) {
    super(record.error ?? `Run ${record.runKey} failed with exit ${record.exit}, signal ${record.signal}.`);
  }
}

export async function schedule(
  runs: readonly PlannedRun[],
  opts: BatchOptions,
  effects: BatchEffects,
  out: { joblog: LineAppender; runs: LineAppender },
): Promise<ScheduleResult> {
  const result: ScheduleResult = {
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    cancelled: 0,
    notStarted: 0,
    halted: null,
    interrupted: false,
  };
  const stopAll = new AbortController();
  let stopScheduling = false;
  const onInterrupt = () => {
    result.interrupted = true;
    stopScheduling = true;
    stopAll.abort("interrupted");
  };
  if (opts.signal?.aborted) onInterrupt();
  opts.signal?.addEventListener("abort", onInterrupt, { once: true });

  const attempt = async (run: PlannedRun, n: number): Promise<RunRecord> => {
    const { job, seq } = run;
    const controller = new AbortController();
    const stop = () => controller.abort(stopAll.signal.reason);
    stopAll.signal.addEventListener("abort", stop, { once: true });
    if (stopAll.signal.aborted) stop();
    const timer = opts.timeoutMs === null ? undefined : setTimeout(() => controller.abort("timeout"), opts.timeoutMs);
    const startedAt = effects.clock.now();
    effects.onProgress({ type: "start", runKey: job.key, seq, attempt: n });
    try {
      return await withRunDirectory(
        opts.dir,
        job.key,
        async (runDir) => {
          const ctx: RunContext = {
            key: job.key,
            seq,
            params: job.params ?? {},
            attempt: n,
            signal: controller.signal,
            runDir,
          };
          const outcome = await execute(run, ctx, opts, effects);
          const record = toRecord(run, n, startedAt, effects.clock.now(), outcome, controller.signal.reason);
          record.final = record.cancelled
            ? false
            : outcome.exit === 0 && outcome.signal === 0
              ? true
              : n >= opts.retries || stopScheduling;
          await writeManifest(runDir, record, effects.fs);
          if (record.exit !== 0 || record.signal !== 0) throw new AttemptFailed(record);
          return record;
        },
        { fs: effects.fs },
      );
    } catch (err) {
      if (err instanceof AttemptFailed) return err.record;
      // The run directory could not be set up or published: a failure of this attempt, not of the batch.
      const failed = toRecord(
        run,
        n,
        startedAt,
        effects.clock.now(),
        { exit: 1, signal: 0, stopped: false, receive: 0 },
        undefined,
      );
      return {
        ...failed,
        final: n >= opts.retries || stopScheduling,
        error: `Run directory: ${(err as Error).message}`,
      };
    } finally {
      clearTimeout(timer);
      stopAll.signal.removeEventListener("abort", stop);
    }
  };

  const runOne = async (run: PlannedRun): Promise<void> => {
    if (stopScheduling) {
      result.notStarted++;
      return;
    }
    for (let n = 1; ; n++) {
      const record = await attempt(run, n);
      await out.runs.append(JSON.stringify(record));
      if (record.final) await out.joblog.append(formatJoblogLine(record));
      effects.onProgress({ type: "end", record });
      if (record.cancelled) {
        result.cancelled++;
        return;
      }
      if (!record.final) {
        effects.logger.warn(`Run ${record.runKey} attempt ${n} failed (${record.error}); trying again.`);
        continue;
      }
      if (record.exit === 0 && record.signal === 0) result.succeeded++;
      else result.failed++;
      if (record.timedOut) result.timedOut++;
      const reason = result.halted ? null : shouldHalt(opts.halt, { ...result, total: runs.length });
      if (reason !== null) {
        result.halted = { rule: opts.halt.text, reason };
        stopScheduling = true;
        effects.logger.warn(`Halting: ${reason}`);
        effects.onProgress({ type: "halt", rule: opts.halt.text, reason });
        if (opts.halt.when === "now") stopAll.abort("halt");
      }
      return;
    }
  };

  try {
    const limit = pLimit(opts.concurrency);
    await Promise.all(runs.map((run) => limit(() => runOne(run))));
  } finally {
    opts.signal?.removeEventListener("abort", onInterrupt);
  }
  return result;
}

function execute(run: PlannedRun, ctx: RunContext, opts: BatchOptions, effects: BatchEffects): Promise<AttemptOutcome> {
  const { job, argv } = run;
  if ("run" in job) return runFunction(job, ctx, opts.killGraceMs);
  const env = {
    GIRAFF_RUN_KEY: job.key,
    GIRAFF_RUN_SEQ: String(ctx.seq),
    GIRAFF_RUN_ATTEMPT: String(ctx.attempt),
    GIRAFF_RUN_DIR: ctx.runDir,
  };
  const logPath = join(opts.dir, LOGS, `${job.key}.log`);
  return runCommand(argv ?? job.command, ctx, { logPath, env, killGraceMs: opts.killGraceMs, effects });
}

function toRecord(
  run: PlannedRun,
  attempt: number,
  startedAt: number,
  endedAt: number,
  o: AttemptOutcome,
  reason: unknown,
): RunRecord {
  const { job, seq } = run;
  const argv = "command" in job ? [...(run.argv ?? job.command)] : undefined;
  return {
    runKey: job.key,
    seq,
    params: job.params ?? {},
    attempt,
    final: false,
    startedAt,
    endedAt,
    exit: o.exit,
    signal: o.signal,
    timedOut: o.stopped && reason === "timeout",
    cancelled: o.stopped && reason !== "timeout",
    ...(o.error === undefined ? {} : { error: o.error }),
    command: commandLine(job.key, argv),
    ...(argv ? { argv } : {}),
    receive: o.receive,
  };
}
