/**
 * Waiting for a job to run (grid5000.md §1.4): poll with growing delays through waiting → launching → running,
 * log each state change and the predicted start, and stop with a sentence when the job ends instead (deleted,
 * failed, or its walltime expired). Cancellation comes from the AbortSignal; time from the client's effects.
 */
import { backoffDelays } from "../../../../runtime/util/backoff.ts";
import type { Grid5000Client } from "./client.ts";
import { Grid5000Error } from "./errors.ts";
import { getJob, type JobRef } from "./jobs.ts";
import { formatOarDate, formatWalltime } from "./oar-time.ts";
import { FINAL_JOB_STATES, type Job } from "./types.ts";

export interface WaitOptions {
  signal?: AbortSignal | undefined;
  /** Give up (reason `timeout`) when the client's clock passes this instant (ms). */
  deadlineMs?: number | undefined;
}

export async function waitForJob(client: Grid5000Client, ref: JobRef, opts: WaitOptions = {}): Promise<Job> {
  const delays = backoffDelays(client.poll);
  let last = "";
  for (;;) {
    const job = await getJob(client, ref, opts.signal);
    const seen = `${job.state}/${job.scheduled_at ?? ""}`;
    if (seen !== last) {
      const start = job.scheduled_at === undefined ? "" : `, predicted start ${formatOarDate(job.scheduled_at * 1000)}`;
      client.log(`Job ${ref.uid} on ${ref.site} is ${job.state}${start}.`);
      last = seen;
    }
    if (job.state === "running") return job;
    if (FINAL_JOB_STATES.includes(job.state)) throw endedError(client, ref, job);
    if (opts.deadlineMs !== undefined && client.effects.now() >= opts.deadlineMs) {
      throw new Grid5000Error(`Job ${ref.uid} on ${ref.site} was still ${job.state} at the deadline.`, {
        reason: "timeout",
        jobUid: ref.uid,
      });
    }
    try {
      await client.effects.sleep(delays.next().value, opts.signal);
    } catch (cause) {
      throw new Grid5000Error(`Waiting for job ${ref.uid} on ${ref.site} was cancelled while it was ${job.state}.`, {
        reason: "cancelled",
        jobUid: ref.uid,
        cause,
      });
    }
  }
}

/** Resolves with the job while it runs; throws a sentence (`walltime-expired` or `job-ended`) once it has ended. */
export async function checkJobRunning(client: Grid5000Client, ref: JobRef, signal?: AbortSignal): Promise<Job> {
  const job = await getJob(client, ref, signal);
  if (job.state === "running") return job;
  if (FINAL_JOB_STATES.includes(job.state)) throw endedError(client, ref, job);
  throw new Grid5000Error(`Job ${ref.uid} on ${ref.site} is ${job.state}, not running.`, {
    reason: "job-ended",
    jobUid: ref.uid,
  });
}

function endedError(client: Grid5000Client, ref: JobRef, job: Job): Grid5000Error {
  const end = job.started_at === undefined ? undefined : (job.started_at + job.walltime) * 1000;
  const stopped = job.stopped_at === undefined ? client.effects.now() : job.stopped_at * 1000;
  if (end !== undefined && stopped >= end) {
    return new Grid5000Error(
      `Job ${ref.uid} on ${ref.site} ended (${job.state}): its walltime of ${formatWalltime(job.walltime)} expired at ` +
        `${formatOarDate(end)} (Europe/Paris).`,
      { reason: "walltime-expired", jobUid: ref.uid },
    );
  }
  const why = job.message ? `: ${client.redact(job.message)}` : "";
  return new Grid5000Error(`Job ${ref.uid} on ${ref.site} ended in state ${job.state} before its walltime${why}.`, {
    reason: "job-ended",
    jobUid: ref.uid,
  });
}
