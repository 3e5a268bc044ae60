/**
 * A reservation end to end: adopt or submit the job, wait until it runs, and return a {@link Lease} that can be
 * saved as state (it holds no credentials). If waiting is cancelled or fails, the job is deleted, so an interrupted
 * reservation never leaves a job behind; `dryRun` returns the request without any call.
 */
import type { Grid5000Client } from "./client.ts";
import { Grid5000Error, isGrid5000Error } from "./errors.ts";
import { deleteJob, findActiveJob, submitJob } from "./jobs.ts";
import type { Job, JobSubmission } from "./types.ts";
import { waitForJob, type WaitOptions } from "./wait-job.ts";

/** What a running job gives the later steps; plain JSON for the provider's state file. */
export interface Lease {
  site: string;
  jobUid: number;
  jobName: string;
  nodes: string[];
  subnets: string[];
  startedAt: number;
  walltimeS: number;
}

export type ReserveOutcome =
  | { dryRun: true; request: { method: "POST"; path: string; body: JobSubmission } }
  | { dryRun: false; lease: Lease; adopted: boolean };

export interface ReserveOptions extends WaitOptions {
  /** Return the request that would be sent, and make no call at all. */
  dryRun?: boolean;
}

export async function reserveJob(
  client: Grid5000Client,
  site: string,
  submission: JobSubmission,
  opts: ReserveOptions = {},
): Promise<ReserveOutcome> {
  const path = `/sites/${encodeURIComponent(site)}/jobs`;
  if (opts.dryRun) return { dryRun: true, request: { method: "POST", path, body: submission } };
  let uid: number | undefined;
  try {
    const { job, adopted } = await submitJob(client, site, submission, opts.signal);
    uid = job.uid;
    const running = await waitForJob(client, { site, uid }, opts);
    return { dryRun: false, lease: leaseOf(site, running), adopted };
  } catch (err) {
    await cleanUp(client, site, submission.name, uid, err);
    throw err;
  }
}

/**
 * The lease of a running job. A waiting job's `assigned_nodes` and subnets are OAR's forecast, which changes when
 * other jobs end early or nodes die, so anything but `running` is refused.
 */
export function leaseOf(site: string, job: Job): Lease {
  if (job.state !== "running") {
    throw new Grid5000Error(
      `Job ${job.uid} on ${site} is ${job.state}, not running: its nodes (${(job.assigned_nodes ?? []).length}) are ` +
        "OAR's forecast, not a lease; wait until it runs.",
      { reason: "not-running", jobUid: job.uid },
    );
  }
  return {
    site,
    jobUid: job.uid,
    jobName: job.name ?? "",
    nodes: [...(job.assigned_nodes ?? [])],
    subnets: [...(job.resources_by_type?.subnets ?? [])],
    startedAt: job.started_at ?? 0,
    walltimeS: job.walltime,
  };
}

/** Deletes the job the failed reservation created (found by name if the POST's answer was lost). */
async function cleanUp(client: Grid5000Client, site: string, name: string, uid: number | undefined, err: unknown) {
  if (isGrid5000Error(err) && (err.reason === "duplicate-jobs" || err.reason === "submission-lost")) return;
  try {
    const target = uid ?? (await findActiveJob(client, site, name))?.uid;
    if (target === undefined) return;
    client.log(`Reservation of ${name} stopped (${errorText(err)}); deleting job ${target}.`);
    await deleteJob(client, { site, uid: target });
  } catch (cleanupErr) {
    client.log(`Could not delete the job of ${name} after a failed reservation: ${errorText(cleanupErr)}`);
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
