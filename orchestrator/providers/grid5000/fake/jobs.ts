/**
 * The fake's OAR for one site: submission validated as the app and oarsub do (submission.ts, admission.ts), and
 * OAR's job life cycle on the virtual clock, with the events OAR records (names and wording from OAR's sources):
 *
 *   waiting ─(scheduled)→ tolaunch → launching ─(prologue ok)→ running ─(command exits)→ finishing → terminated
 *      │  ↑                              │                        └─(walltime: WALLTIME)→ finishing → error
 *      ↓  │ resume (RESUME_JOB)          └─(PROLOGUE_ERROR)→ finishing → error   (never ran)
 *     hold (HOLD_WAITING_JOB)
 *   an advance reservation whose nodes died before its start: toerror → error ("This advance reservation cannot run")
 *
 * DELETE records FRAG_JOB_REQUEST at once; Leon acts a few seconds later: a waiting or held job goes straight to
 * `error` ("Job killed by Leon directly"), a launched one gets SEND_KILL_JOB, then finishing → `error`. A job
 * killed at its walltime also ends in `error` (OAR's Leon kills it as for a DELETE, after FRAG_JOB_REQUEST by
 * `oar` and WALLTIME), so only the events tell the two apart. A `sleep N` command shorter than the walltime ends
 * by itself (`terminated`, exit code 0); any other command runs until the walltime.
 */
import { earliestInWindow, NOT_ENOUGH, oarsubRefusal, type AdmissionOptions } from "./admission.ts";
import { allocate, couldEverFit, earliestStart, type Ask, type Usable } from "./allocate.ts";
import type { DueSource } from "./clock.ts";
import type { Faults } from "./faults.ts";
import type { FakeSite } from "./fixtures.ts";
import { claimsOf, commandEnd, durationOf } from "./gantt.ts";
import { FakeHttpError, NOT_AUTHORIZED } from "./http-error.ts";
import { isEnded, type FakeJob } from "./job-json.ts";
import { couldRunAtText } from "./reservation.ts";
import { parseSubmission } from "./submission.ts";

export interface FakeTiming {
  /** From submission to the scheduler's first decision. */
  schedulingDelayS: number;
  /** From toLaunch to launching (bipbip picks the job up). */
  toLaunchS: number;
  /** From launching to running (the prologue). */
  launchDelayS: number;
  /** From DELETE (or the walltime's frag) to Leon's kill. */
  deleteDelayS: number;
  /** From finishing to the final state (the epilogue). */
  finishingS: number;
}

export const DEFAULT_TIMING: FakeTiming = {
  schedulingDelayS: 5,
  toLaunchS: 1,
  launchDelayS: 20,
  deleteDelayS: 3,
  finishingS: 2,
};

export class JobStore implements DueSource {
  readonly jobs = new Map<number, FakeJob>();
  /** Jobs created by POST: what tests compare with the number of POSTs the client sent. */
  submissions = 0;
  #nextUid: number;
  #nextEvent = 1;
  readonly #usable = new Map<number, Usable>();
  readonly #claims = (job: FakeJob) => claimsOf(this.jobs.values(), job, this.timing);
  readonly #duration = (job: FakeJob) => durationOf(job, this.timing);
  /** The job's ask to the gantt: its request and duration, the other jobs' claims, the nodes it may use. */
  readonly #ask = (job: FakeJob): Ask => ({
    site: this.site,
    req: job.request,
    claims: this.#claims(job),
    duration: this.#duration(job),
    usable: this.#usableOf(job),
  });

  constructor(
    readonly site: FakeSite,
    readonly timing: FakeTiming,
    readonly faults: Faults,
    readonly admission: AdmissionOptions = {},
    firstUid = 4242,
  ) {
    this.#nextUid = firstUid;
  }

  submit(user: string, body: unknown, nowS: number): FakeJob {
    const { usable: allowed, ...fields } = parseSubmission(user, body, nowS, this.admission);
    if (!couldEverFit(this.site, fields.request, allowed)) throw oarsubRefusal([NOT_ENOUGH], -5);
    const job: FakeJob = {
      ...fields,
      uid: this.#nextUid++,
      user,
      state: "waiting",
      submittedAt: nowS,
      scheduledAt: undefined,
      toLaunchAt: undefined,
      launchedAt: undefined,
      startedAt: undefined,
      stoppedAt: undefined,
      killAt: undefined,
      finishAt: undefined,
      finalState: undefined,
      exitCode: undefined,
      nodes: [],
      subnets: [],
      predicted: undefined,
      events: [],
      message: "FIFO scheduling OK",
    };
    this.#usable.set(job.uid, (host, cluster) => allowed(host, cluster) && !this.faults.deadNodes.has(host));
    const reservationStart = job.reservationStart;
    if (reservationStart !== undefined) this.#admitReservation(job, reservationStart, nowS);
    this.jobs.set(job.uid, job);
    this.submissions++;
    if (this.faults.isHeld(job.name)) this.hold(job.uid, "oar", nowS);
    this.#predict(job, nowS);
    return job;
  }

  get(uid: number): FakeJob {
    const job = this.jobs.get(uid);
    if (job === undefined) throw new FakeHttpError(404, `Couldn't find OAR::Job with 'job_id'=${uid}`);
    return job;
  }

  /** `oarhold` on a waiting job, by its owner or an administrator (`oar`): it stays held until resumed. */
  hold(uid: number, by: string, nowS: number): void {
    const job = this.get(uid);
    if (job.state !== "waiting") throw new Error(`Job ${uid} is ${job.state}: only a waiting job can be held.`);
    this.#event(job, "HOLD_WAITING_JOB", `User ${by} launched oarhold on the job ${uid}`, nowS);
    Object.assign(job, { state: "hold", scheduledAt: undefined, predicted: undefined });
  }

  /** `oarresume` on a held job: it waits again. */
  resume(uid: number, by: string, nowS: number): void {
    const job = this.get(uid);
    if (job.state !== "hold") throw new Error(`Job ${uid} is ${job.state}: only a held job can be resumed.`);
    this.#event(job, "RESUME_JOB", `User ${by} launched oarresume on the job ${uid}`, nowS);
    job.state = "waiting";
    this.#predict(job, nowS);
  }

  delete(user: string, uid: number, nowS: number): void {
    const job = this.get(uid);
    if (job.user !== user) throw new FakeHttpError(403, NOT_AUTHORIZED);
    if (isEnded(job) || job.state === "finishing" || job.killAt !== undefined) {
      throw new FakeHttpError(400, `This job was already killed (job ${uid}).`);
    }
    this.#frag(job, user, nowS + this.timing.deleteDelayS, nowS);
  }

  nextDue(nowS: number): number | undefined {
    const due = [...this.jobs.values()]
      .map((j) => this.#dueOf(j))
      .filter((t): t is number => t !== undefined && t > nowS);
    return due.length === 0 ? undefined : Math.min(...due);
  }

  tick(nowS: number): boolean {
    let changed = false;
    for (const job of this.jobs.values()) while (this.#step(job, nowS)) changed = true;
    for (const job of this.jobs.values()) if (job.state === "waiting") this.#predict(job, nowS);
    return changed;
  }

  #step(job: FakeJob, nowS: number): boolean {
    const t = this.timing;
    if (isEnded(job)) return false;
    if (job.state === "finishing" || job.state === "toerror") {
      if (nowS < job.finishAt!) return false;
      job.state = job.finalState!;
      return true;
    }
    if (job.killAt !== undefined && nowS >= job.killAt) return this.#kill(job, job.killAt);
    if (job.state === "hold") return false;
    if (job.state === "running") {
      const end = job.startedAt! + job.request.walltimeS;
      const exits = commandEnd(job);
      if (exits !== undefined && exits < end && nowS >= exits) {
        job.exitCode = 0;
        this.#event(job, "SWITCH_INTO_TERMINATE_STATE", `[${job.uid}] Ask to change the job state`, exits);
        return this.#finish(job, "terminated", exits);
      }
      if (nowS < end) return false;
      // Sarko: the walltime is over, so OAR frags the job as user oar, then Leon kills it as for a DELETE.
      this.#frag(job, "oar", end, end);
      this.#event(
        job,
        "WALLTIME",
        `Job: ${job.uid} from ${job.startedAt} with ${job.request.walltimeS}; current time=${end} (Elapsed)`,
        end,
      );
      return true;
    }
    if (job.state === "launching") {
      const ready = job.launchedAt! + t.launchDelayS;
      if (nowS < ready) return false;
      if (this.faults.prologueFails(job.name)) {
        this.#event(job, "PROLOGUE_ERROR", `[${job.uid}] error of oarexec prologue`, ready);
        return this.#finish(job, "error", ready);
      }
      Object.assign(job, { state: "running", startedAt: ready });
      return true;
    }
    if (job.state === "tolaunch") {
      const at = job.toLaunchAt! + t.toLaunchS;
      if (nowS < at) return false;
      Object.assign(job, { state: "launching", launchedAt: at });
      return true;
    }
    // waiting
    if (this.faults.isStuck(job.name)) return false;
    const start = job.reservationStart ?? job.submittedAt + t.schedulingDelayS;
    if (nowS < start) return false;
    if (job.reservationStart !== undefined && job.nodes.some((n) => this.faults.deadNodes.has(n))) {
      // OAR's meta-scheduler: a reservation whose resources are gone cannot run (toError, then Error)
      const end = { finalState: "error", finishAt: nowS + t.toLaunchS, predicted: undefined };
      Object.assign(job, { state: "toerror", message: "This advance reservation cannot run", ...end });
      return true;
    }
    if (job.reservationStart === undefined) {
      if (earliestInWindow(job.types, nowS, this.#duration(job)) !== nowS) return false;
      const got = allocate(this.#ask(job), nowS);
      if (got === undefined) return false;
      Object.assign(job, got);
    }
    const at = job.reservationStart ?? nowS;
    Object.assign(job, { state: "tolaunch", toLaunchAt: at, scheduledAt: at, predicted: undefined });
    return true;
  }

  /** oardel (or Sarko at the walltime): FRAG_JOB_REQUEST now, Leon's kill at `killAt`. */
  #frag(job: FakeJob, by: string, killAt: number, nowS: number): void {
    this.#event(job, "FRAG_JOB_REQUEST", `User ${by} requested to frag the job ${job.uid}`, nowS);
    job.killAt = killAt;
  }

  /** Leon: a job not launched yet goes straight to error; a launched one is signalled, then finishes in error. */
  #kill(job: FakeJob, atS: number): boolean {
    job.killAt = undefined;
    if (job.state === "waiting" || job.state === "hold") {
      Object.assign(job, { state: "error", message: "Job killed by Leon directly", predicted: undefined });
      return true;
    }
    const head = job.types.includes("deploy") ? `frontend.${this.site.uid}.grid5000.fr` : job.nodes[0];
    this.#event(job, "SEND_KILL_JOB", `Send the kill signal to oarexec on ${head} for job ${job.uid}`, atS);
    this.#event(job, "SWITCH_INTO_ERROR_STATE", `[${job.uid}] Ask to change the job state`, atS);
    return this.#finish(job, "error", atS);
  }

  #finish(job: FakeJob, state: "error" | "terminated", atS: number): boolean {
    Object.assign(job, {
      state: "finishing",
      stoppedAt: atS,
      finalState: state,
      finishAt: atS + this.timing.finishingS,
    });
    return true;
  }

  #event(job: FakeJob, type: string, description: string, atS: number): void {
    job.events.push({ uid: this.#nextEvent++, type, description, createdAt: atS });
  }

  /** OAR assigns an advance reservation's resources when it accepts it, or refuses it with "could run at". */
  #admitReservation(job: FakeJob, startS: number, nowS: number): void {
    if (startS < nowS - 60) throw new FakeHttpError(400, "Reservation not valid --> KO (Reservation too old)");
    const refused = this.faults.refuseReservationsUntil;
    if (refused !== undefined)
      throw new FakeHttpError(400, `Reservation not valid --> KO (This reservation could run at ${refused})`);
    const ask = this.#ask(job);
    const got = allocate(ask, startS);
    if (got === undefined) {
      const at = earliestStart(ask, startS);
      throw new FakeHttpError(400, couldRunAtText(at ?? startS));
    }
    Object.assign(job, got);
    job.scheduledAt = startS;
  }

  /** A waiting job's forecast: `scheduled_at` and the nodes the gantt would give it then; unknown while stuck. */
  #predict(job: FakeJob, nowS: number): void {
    if (job.state !== "waiting" || job.reservationStart !== undefined) return;
    if (this.faults.isStuck(job.name)) {
      Object.assign(job, { scheduledAt: undefined, predicted: undefined });
      job.message = "Cannot find enough matching resources for now (stuck by the fake)";
      return;
    }
    const from = Math.max(nowS, job.submittedAt + this.timing.schedulingDelayS);
    const ask = this.#ask(job);
    const slot = (t: number) => earliestInWindow(job.types, t, ask.duration);
    job.scheduledAt = earliestStart(ask, from, slot);
    job.predicted = job.scheduledAt === undefined ? undefined : allocate(ask, job.scheduledAt);
  }

  #dueOf(job: FakeJob): number | undefined {
    const t = this.timing;
    if (isEnded(job)) return undefined;
    if (job.state === "finishing" || job.state === "toerror") return job.finishAt;
    if (job.killAt !== undefined) return job.killAt;
    if (job.state === "hold") return undefined;
    if (job.state === "running") {
      const end = job.startedAt! + job.request.walltimeS;
      return Math.min(end, commandEnd(job) ?? end);
    }
    if (job.state === "launching") return job.launchedAt! + t.launchDelayS;
    if (job.state === "tolaunch") return job.toLaunchAt! + t.toLaunchS;
    if (this.faults.isStuck(job.name)) return undefined;
    return job.reservationStart ?? job.scheduledAt ?? job.submittedAt + t.schedulingDelayS;
  }

  #usableOf(job: FakeJob): Usable {
    return this.#usable.get(job.uid) ?? ((host) => !this.faults.deadNodes.has(host));
  }
}
