/**
 * Why a job ended, read from OAR's events (the pure core of wait-job.ts): OAR ends a job killed at its walltime in
 * `error`, exactly as a deleted one, so the state alone cannot tell them apart; the events can.
 *
 * - `WALLTIME` (Sarko, with FRAG_JOB_REQUEST by `oar`): the walltime expired.
 * - `FRAG_JOB_REQUEST` by a user, no WALLTIME: someone deleted the job (`oardel`, the API's DELETE), maybe us.
 * - `PROLOGUE_ERROR`, `EXTERMINATE_JOB`, `*_ERROR`, …: OAR failed the job; the event's text says how.
 * - no such event, never started, `toerror`/`error`: OAR could not start it (an advance reservation whose nodes
 *   died: "This advance reservation cannot run"); the job's message says why.
 * - `SWITCH_INTO_TERMINATE_STATE` / `terminated`: the job's command ended by itself.
 * Jobs of an API without events fall back on the times (stopped at or after start + walltime: walltime).
 */
import { formatOarDate, formatWalltime } from "./oar-time.ts";
import type { Job, JobEvent } from "./types.ts";

export type JobEndReason = "walltime-expired" | "job-deleted" | "job-failed" | "job-ended";

export interface JobEnd {
  reason: JobEndReason;
  /** What happened, after "Job <uid> on <site> ". */
  sentence: string;
}

const FRAG_BY = /^User (\S+) requested to frag the job/;
const ADMINS = new Set(["oar", "root"]);
/** Events that mean OAR itself failed the job (check_end_of_job's and Leon's), beyond any `*_ERROR`. */
const FAILURES =
  /ERROR|EXTERMINATE_JOB|CANNOT_|USER_SHELL|BAD_HASHTABLE|SSH_TRANSFER_TIMEOUT|LAUNCHING_OAREXEC|BESTEFFORT_KILL|WORKING_DIRECTORY|OUTPUT_FILES/;
/** Bookkeeping events that say nothing about why. */
const BOOKKEEPING = new Set(["SWITCH_INTO_ERROR_STATE", "SWITCH_INTO_TERMINATE_STATE", "SEND_KILL_JOB"]);

export function jobEnd(job: Job, nowMs: number, redact: (text: string) => string = (t) => t): JobEnd {
  const events = job.events ?? [];
  const find = (type: string) => events.find((e) => e.type === type);
  const quote = (e: JobEvent) => `${e.type}: ${redact(e.description ?? "").trim()}`.replace(/: $/, "");
  const walltime = formatWalltime(job.walltime);
  const expiry = (e?: JobEvent) => {
    const at = job.started_at === undefined ? undefined : (job.started_at + job.walltime) * 1000;
    const when = at === undefined ? "" : ` at ${formatOarDate(at)} (Europe/Paris)`;
    return {
      reason: "walltime-expired" as const,
      sentence: `ended (${job.state}): its walltime of ${walltime} expired${when}${e ? `; OAR says ${quote(e)}` : ""}.`,
    };
  };
  const wall = find("WALLTIME");
  if (wall !== undefined) return expiry(wall);
  const failure = events.find((e) => !BOOKKEEPING.has(e.type) && FAILURES.test(e.type));
  if (failure !== undefined) {
    const ran = job.started_at === undefined ? "without ever running" : "while running";
    return { reason: "job-failed", sentence: `failed ${ran} (${job.state}): OAR reports ${quote(failure)}.` };
  }
  const frag = find("FRAG_JOB_REQUEST");
  if (frag !== undefined) {
    const by = FRAG_BY.exec(frag.description ?? "")?.[1];
    const who = by === undefined ? "someone" : ADMINS.has(by) ? `an administrator (${by})` : by;
    const when = frag.created_at === undefined ? "" : ` at ${formatOarDate(frag.created_at * 1000)} (Europe/Paris)`;
    return {
      reason: "job-deleted",
      sentence: `was deleted by ${who}${when}, before its walltime of ${walltime} (OAR: ${quote(frag)}); it is ${job.state}.`,
    };
  }
  if (job.started_at === undefined && (job.state === "toerror" || job.state === "error")) {
    const why = job.message ? `: OAR says ${redact(job.message)}` : "";
    return { reason: "job-failed", sentence: `could not start (${job.state})${why}.` };
  }
  if (job.state === "terminated" || find("SWITCH_INTO_TERMINATE_STATE") !== undefined) {
    const code = job.exit_code === undefined ? "" : ` with exit code ${job.exit_code}`;
    return { reason: "job-ended", sentence: `ended: its command exited${code} before the walltime of ${walltime}.` };
  }
  // an API without events: compare the stop with the walltime's end
  const end = job.started_at === undefined ? undefined : (job.started_at + job.walltime) * 1000;
  const stopped = job.stopped_at === undefined ? nowMs : job.stopped_at * 1000;
  if (end !== undefined && stopped >= end) return expiry();
  const why = job.message ? `: ${redact(job.message)}` : "";
  return { reason: "job-ended", sentence: `ended in state ${job.state} before its walltime${why}.` };
}
