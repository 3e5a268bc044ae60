/**
 * The fake's OAR: submission validated as the real app does, and the job state machine on the virtual clock
 * (grid5000.md §6.2): waiting → launching (start reached and resources free) → running → terminated at walltime
 * (configurable), or → error a few seconds after DELETE. Stuck jobs never leave waiting.
 */
import { allocate, couldEverFit, earliestStart, type Claim } from "./allocate.ts";
import type { DueSource } from "./clock.ts";
import type { Faults } from "./faults.ts";
import type { FakeSite } from "./fixtures.ts";
import { FakeHttpError, NOT_AUTHORIZED } from "./http-error.ts";
import type { FakeJob } from "./job-json.ts";
import { couldRunAtText } from "./reservation.ts";
import { parseSubmission } from "./submission.ts";

export interface FakeTiming {
  /** From submission to the scheduler's decision. */
  schedulingDelayS: number;
  /** From launching to running. */
  launchDelayS: number;
  /** From DELETE to the `error` state. */
  deleteDelayS: number;
  /** What a job becomes when its walltime passes (unverified on the real platform, grid5000.md §6.4). */
  walltimeEndState: "terminated" | "error";
}

export const DEFAULT_TIMING: FakeTiming = {
  schedulingDelayS: 5,
  launchDelayS: 20,
  deleteDelayS: 3,
  walltimeEndState: "terminated",
};

export class JobStore implements DueSource {
  readonly jobs = new Map<number, FakeJob>();
  /** Jobs created by POST: what tests compare with the number of POSTs the client sent. */
  submissions = 0;
  #nextUid = 4242;

  constructor(
    readonly site: FakeSite,
    readonly timing: FakeTiming,
    readonly faults: Faults,
  ) {}

  submit(user: string, body: unknown, nowS: number): FakeJob {
    const fields = parseSubmission(body, nowS);
    if (!couldEverFit(this.site, fields.request)) {
      throw new FakeHttpError(400, "There are not enough resources for your request.");
    }
    const job: FakeJob = {
      ...fields,
      uid: this.#nextUid++,
      user,
      state: "waiting",
      submittedAt: nowS,
      scheduledAt: undefined,
      launchedAt: undefined,
      startedAt: undefined,
      stoppedAt: undefined,
      deleteAt: undefined,
      nodes: [],
      subnets: [],
      message: "FIFO scheduling OK",
    };
    const reservationStart = job.reservationStart;
    if (reservationStart !== undefined) this.#admitReservation(job, reservationStart, nowS);
    this.jobs.set(job.uid, job);
    this.submissions++;
    this.#predict(job, nowS);
    return job;
  }

  get(uid: number): FakeJob {
    const job = this.jobs.get(uid);
    if (job === undefined) throw new FakeHttpError(404, `Couldn't find OAR::Job with 'job_id'=${uid}`);
    return job;
  }

  delete(user: string, uid: number, nowS: number): void {
    const job = this.get(uid);
    if (job.user !== user) throw new FakeHttpError(403, NOT_AUTHORIZED);
    if (job.state === "error" || job.state === "terminated" || job.deleteAt !== undefined) {
      throw new FakeHttpError(400, `This job was already killed (job ${uid}).`);
    }
    job.deleteAt = nowS + this.timing.deleteDelayS;
  }

  nextDue(nowS: number): number | undefined {
    const due = [...this.jobs.values()]
      .map((j) => this.#dueOf(j))
      .filter((t): t is number => t !== undefined && t > nowS);
    return due.length === 0 ? undefined : Math.min(...due);
  }

  tick(nowS: number): boolean {
    let changed = false;
    for (const job of this.jobs.values()) changed = this.#step(job, nowS) || changed;
    for (const job of this.jobs.values()) if (job.state === "waiting") this.#predict(job, nowS);
    return changed;
  }

  #step(job: FakeJob, nowS: number): boolean {
    if (job.state === "error" || job.state === "terminated") return false;
    if (job.deleteAt !== undefined && nowS >= job.deleteAt) return this.#stop(job, "error", job.deleteAt);
    const t = this.timing;
    if (job.state === "running" && nowS >= job.startedAt! + job.request.walltimeS) {
      return this.#stop(job, t.walltimeEndState, job.startedAt! + job.request.walltimeS);
    }
    if (job.state === "launching" && nowS >= job.launchedAt! + t.launchDelayS) {
      job.state = "running";
      job.startedAt = job.launchedAt! + t.launchDelayS;
      return true;
    }
    if (job.state !== "waiting" || this.faults.isStuck(job.name)) return false;
    const start = job.reservationStart ?? job.submittedAt + t.schedulingDelayS;
    if (nowS < start) return false;
    if (job.reservationStart === undefined) {
      const got = allocate(this.site, job.request, this.#claims(job), nowS, this.#duration(job));
      if (got === undefined) return false;
      Object.assign(job, got);
    }
    job.state = "launching";
    job.launchedAt = job.reservationStart ?? nowS;
    job.scheduledAt = job.launchedAt;
    return true;
  }

  #stop(job: FakeJob, state: "error" | "terminated", atS: number): boolean {
    job.state = state;
    job.stoppedAt = atS;
    return true;
  }

  /** OAR assigns an advance reservation's resources when it accepts it, or refuses it with "could run at". */
  #admitReservation(job: FakeJob, startS: number, nowS: number): void {
    if (startS < nowS - 60) throw new FakeHttpError(400, "Reservation not valid --> KO (Reservation too old)");
    const refused = this.faults.refuseReservationsUntil;
    if (refused !== undefined)
      throw new FakeHttpError(400, `Reservation not valid --> KO (This reservation could run at ${refused})`);
    const got = allocate(this.site, job.request, this.#claims(job), startS, this.#duration(job));
    if (got === undefined) {
      const at = earliestStart(this.site, job.request, this.#claims(job), startS, this.#duration(job)) ?? startS;
      throw new FakeHttpError(400, couldRunAtText(at));
    }
    Object.assign(job, got);
    job.scheduledAt = startS;
  }

  /** `scheduled_at` of a waiting job: its predicted start, unknown while stuck. */
  #predict(job: FakeJob, nowS: number): void {
    if (job.state !== "waiting" || job.reservationStart !== undefined) return;
    if (this.faults.isStuck(job.name)) {
      job.scheduledAt = undefined;
      job.message = "Cannot find enough matching resources for now (stuck by the fake)";
      return;
    }
    const from = Math.max(nowS, job.submittedAt + this.timing.schedulingDelayS);
    job.scheduledAt = earliestStart(this.site, job.request, this.#claims(job), from, this.#duration(job));
  }

  #dueOf(job: FakeJob): number | undefined {
    if (job.state === "error" || job.state === "terminated") return undefined;
    if (job.deleteAt !== undefined) return job.deleteAt;
    if (job.state === "running") return job.startedAt! + job.request.walltimeS;
    if (job.state === "launching") return job.launchedAt! + this.timing.launchDelayS;
    if (this.faults.isStuck(job.name)) return undefined;
    return job.reservationStart ?? job.scheduledAt ?? job.submittedAt + this.timing.schedulingDelayS;
  }

  #duration(job: FakeJob): number {
    return this.timing.launchDelayS + job.request.walltimeS;
  }

  /** What every other live job holds: allocated jobs from launch to end, accepted reservations from their start. */
  #claims(except: FakeJob): Claim[] {
    return [...this.jobs.values()]
      .filter((j) => j !== except && j.state !== "error" && j.state !== "terminated" && j.nodes.length > 0)
      .map((j) => {
        const from = j.launchedAt ?? j.reservationStart ?? 0;
        const end = j.startedAt === undefined ? from + this.#duration(j) : j.startedAt + j.request.walltimeS;
        return {
          nodes: j.nodes,
          subnets: j.subnets,
          from,
          to: j.deleteAt === undefined ? end : Math.min(end, j.deleteAt),
        };
      });
  }
}
