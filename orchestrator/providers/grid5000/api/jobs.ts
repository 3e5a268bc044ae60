/**
 * OAR jobs through the API (grid5000.md §1.4). Submission is idempotent by name, as EnOSlib's reload: an active
 * job of ours with that name is adopted instead of submitting another, and a POST that failed or timed out is
 * never replayed blindly: the job is looked up by name and adopted if OAR created it after all.
 */
import type { Grid5000Client } from "./client.ts";
import { Grid5000Error, isGrid5000Error } from "./errors.ts";
import { ACTIVE_JOB_STATES, type Collection, type Job, type JobSubmission } from "./types.ts";

export interface JobRef {
  site: string;
  uid: number;
}

const jobPath = (ref: JobRef) => `/sites/${encodeURIComponent(ref.site)}/jobs/${ref.uid}`;

export async function getJob(client: Grid5000Client, ref: JobRef, signal?: AbortSignal): Promise<Job> {
  const { json } = await client.call({ method: "GET", path: jobPath(ref), signal });
  return json as Job;
}

export interface JobFilter {
  user?: string | undefined;
  name?: string | undefined;
  /** Comma-separated states, e.g. `waiting,launching,running`. */
  state?: string | undefined;
  limit?: number | undefined;
}

/** Newest first, with `assigned_nodes` and `resources_by_type`. */
export async function listJobs(client: Grid5000Client, site: string, filter: JobFilter = {}, signal?: AbortSignal) {
  const { json } = await client.call({
    method: "GET",
    path: `/sites/${encodeURIComponent(site)}/jobs`,
    query: { ...filter, resources: "yes" },
    signal,
  });
  return (json as Collection<Job>).items;
}

/** Our active jobs with this name; more than one is an error, as in EnOSlib (one job per name and site). */
export async function findActiveJob(
  client: Grid5000Client,
  site: string,
  name: string,
  signal?: AbortSignal,
): Promise<Job | undefined> {
  const jobs = await listJobs(
    client,
    site,
    { user: client.username, name, state: ACTIVE_JOB_STATES.join(",") },
    signal,
  );
  const mine = jobs.filter((j) => j.name === name && (client.username === undefined || j.user === client.username));
  if (mine.length > 1) {
    throw new Grid5000Error(
      `${mine.length} active jobs are named ${name} on ${site} (${mine.map((j) => j.uid).join(", ")}); delete the extra ones.`,
      { reason: "duplicate-jobs" },
    );
  }
  return mine[0];
}

export interface SubmitResult {
  job: Job;
  /** True when an existing job was taken over instead of submitting. */
  adopted: boolean;
}

/** Adopts our active job named `submission.name`, or submits one; see the module comment for failures. */
export async function submitJob(
  client: Grid5000Client,
  site: string,
  submission: JobSubmission,
  signal?: AbortSignal,
): Promise<SubmitResult> {
  const existing = await findActiveJob(client, site, submission.name, signal);
  if (existing !== undefined) {
    client.log(`Adopted job ${existing.uid} (${submission.name}) on ${site}, ${existing.state}.`);
    return { job: existing, adopted: true };
  }
  try {
    const { json } = await client.call({
      method: "POST",
      path: `/sites/${encodeURIComponent(site)}/jobs`,
      body: submission,
      signal,
    });
    const job = json as Job;
    client.log(`Submitted job ${job.uid} (${submission.name}) on ${site}: ${submission.resources}.`);
    return { job, adopted: false };
  } catch (err) {
    if (!isAmbiguous(err)) throw err;
    const found = await findActiveJob(client, site, submission.name, signal);
    if (found !== undefined) {
      client.log(`The submission of ${submission.name} failed (${err.message}) but job ${found.uid} exists: adopted.`);
      return { job: found, adopted: true };
    }
    throw new Grid5000Error(
      `Submitting job ${submission.name} on ${site} failed (${err.message}) and no job of that name exists; ` +
        `nothing was resubmitted.`,
      { reason: "submission-lost", call: err.call, status: err.status, cause: err },
    );
  }
}

/**
 * Asks OAR to kill the job (202); the job reaches `error` shortly after. A job already killed, or gone, counts as
 * deleted: releasing must not fail because someone released first.
 */
export async function deleteJob(client: Grid5000Client, ref: JobRef, signal?: AbortSignal): Promise<void> {
  try {
    await client.call({ method: "DELETE", path: jobPath(ref), signal });
    client.log(`Deleted job ${ref.uid} on ${ref.site}.`);
  } catch (err) {
    if (isGrid5000Error(err) && (err.reason === "not-found" || /already killed/i.test(err.body ?? ""))) {
      client.log(`Job ${ref.uid} on ${ref.site} was already deleted.`);
      return;
    }
    throw err;
  }
}

/** A POST whose outcome is unknown: the server may have acted before failing or before we stopped waiting. */
function isAmbiguous(err: unknown): err is Grid5000Error {
  return isGrid5000Error(err) && (err.reason === "server" || err.reason === "timeout" || err.reason === "unreachable");
}
