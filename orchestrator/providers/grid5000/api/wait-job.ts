/**
 * Waiting for a job to run (grid5000.md §1.4): poll with growing delays through OAR's states before running
 * (waiting, hold, tolaunch, launching, …), log each state change and the predicted start, say who holds a held
 * job, and stop with a sentence when the job ends instead: deleted, failed by OAR (a prologue error: it never
 * ran), or its walltime expired — told apart by OAR's events (job-end.ts), not by the state, which is `error` for
 * all three. Never forever: a deadline gives up, naming the state. Cancellation comes from the AbortSignal; time
 * from the client's effects.
 */
import { backoffDelays } from "../../../../runtime/util/backoff.ts";
import type { Grid5000Client } from "./client.ts";
import { Grid5000Error } from "./errors.ts";
import { jobEnd } from "./job-end.ts";
import { getJob, type JobRef } from "./jobs.ts";
import { formatOarDate } from "./oar-time.ts";
import { ENDING_JOB_STATES, type Job } from "./types.ts";

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
      client.log(`Job ${ref.uid} on ${ref.site} ${describeState(job)}.`);
      last = seen;
    }
    if (job.state === "running") return job;
    if (ENDING_JOB_STATES.includes(job.state)) throw endedError(client, ref, job);
    if (opts.deadlineMs !== undefined && client.effects.now() >= opts.deadlineMs) {
      throw new Grid5000Error(
        `Job ${ref.uid} on ${ref.site} ${describeState(job)} still at the deadline ` +
          `(${formatOarDate(opts.deadlineMs)}, Europe/Paris); stopped waiting.`,
        { reason: "timeout", jobUid: ref.uid },
      );
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

/** Resolves with the job while it runs; throws a sentence (`walltime-expired`, `job-deleted`, …) otherwise. */
export async function checkJobRunning(client: Grid5000Client, ref: JobRef, signal?: AbortSignal): Promise<Job> {
  const job = await getJob(client, ref, signal);
  if (job.state === "running") return job;
  if (ENDING_JOB_STATES.includes(job.state)) throw endedError(client, ref, job);
  throw new Grid5000Error(`Job ${ref.uid} on ${ref.site} ${describeState(job)}, not running.`, {
    reason: "job-ended",
    jobUid: ref.uid,
  });
}

/** "is waiting, predicted start …", "is held by oar (…)": the state as a user needs to read it. */
function describeState(job: Job): string {
  if (job.state === "hold") {
    const held = [...(job.events ?? [])].reverse().find((e) => e.type.startsWith("HOLD_"));
    const who = /^User (\S+) launched oarhold/.exec(held?.description ?? "")?.[1];
    const by = who === undefined ? "" : ` by ${who === "oar" || who === "root" ? `an administrator (${who})` : who}`;
    return `is held${by} (hold): OAR will not start it until it is resumed (oarresume)`;
  }
  const start =
    job.scheduled_at === undefined ? "" : `, predicted start ${formatOarDate(job.scheduled_at * 1000)} (Europe/Paris)`;
  return `is ${job.state}${job.state === "running" ? "" : start}`;
}

function endedError(client: Grid5000Client, ref: JobRef, job: Job): Grid5000Error {
  const end = jobEnd(job, client.effects.now(), client.redact);
  return new Grid5000Error(`Job ${ref.uid} on ${ref.site} ${end.sentence}`, { reason: end.reason, jobUid: ref.uid });
}
