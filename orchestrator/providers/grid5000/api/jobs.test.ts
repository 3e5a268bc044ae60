import { describe, expect, it } from "vitest";
import { Grid5000Error } from "./errors.ts";
import { deleteJob, getJob, submitJob } from "./jobs.ts";
import { reserveJob } from "./reserve.ts";
import { SUBMISSION, withFake } from "./testing/with-fake.ts";
import { checkJobRunning, waitForJob } from "./wait-job.ts";

const posts = (fake: { requests: { method: string; path: string }[] }) =>
  fake.requests.filter((r) => r.method === "POST" && r.path === "/sites/nancy/jobs").length;

describe("jobs", () => {
  it("submits, polls through waiting and launching to running, and deletes", () =>
    withFake(async ({ fake, client, logs }) => {
      const { job, adopted } = await submitJob(client, "nancy", SUBMISSION);
      expect(adopted).toBe(false);
      expect(job.state).toBe("waiting");
      expect(fake.requests.at(-1)?.body).toEqual(SUBMISSION);
      const running = await waitForJob(client, { site: "nancy", uid: job.uid });
      expect(running.state).toBe("running");
      expect(running.assigned_nodes).toEqual(["gros-1", "gros-2", "gros-3"].map((n) => `${n}.nancy.grid5000.fr`));
      expect(running.resources_by_type?.subnets).toEqual(["10.144.0.0/22"]);
      expect(logs.some((l) => /is launching/.test(l))).toBe(true);
      await deleteJob(client, { site: "nancy", uid: job.uid });
      fake.clock.advance(10_000);
      expect((await getJob(client, { site: "nancy", uid: job.uid })).state).toBe("error");
      // A second delete meets OAR's "already killed" and counts as done.
      await deleteJob(client, { site: "nancy", uid: job.uid });
    }));

  it("adopts an active job with the same name instead of submitting again", () =>
    withFake(async ({ fake, client }) => {
      const first = await submitJob(client, "nancy", SUBMISSION);
      const second = await submitJob(client, "nancy", SUBMISSION);
      expect(second).toMatchObject({ adopted: true, job: { uid: first.job.uid } });
      expect(fake.jobs.submissions).toBe(1);
    }));

  it("after a 502 on a POST that took effect, finds the job by name instead of resubmitting", () =>
    withFake(async ({ fake, client, logs }) => {
      fake.faults.failNext({ method: "POST", path: /\/jobs$/, status: 502, afterEffect: true });
      const { job, adopted } = await submitJob(client, "nancy", SUBMISSION);
      expect(adopted).toBe(true);
      expect(fake.jobs.submissions).toBe(1);
      expect(posts(fake)).toBe(1);
      expect(job.name).toBe(SUBMISSION.name);
      expect(logs.some((l) => /adopted/.test(l))).toBe(true);
    }));

  it("after a POST that timed out, finds the job by name", () =>
    withFake(
      async ({ fake, client }) => {
        fake.faults.hangNext({ method: "POST", path: /\/jobs$/ });
        const { adopted } = await submitJob(client, "nancy", SUBMISSION);
        expect(adopted).toBe(true);
        expect(fake.jobs.submissions).toBe(1);
        expect(posts(fake)).toBe(1);
      },
      { client: { timeouts: { write: 300 } } },
    ));

  it("a POST that failed before taking effect is reported, not resubmitted", () =>
    withFake(async ({ fake, client }) => {
      fake.faults.failNext({ method: "POST", path: /\/jobs$/, status: 503, count: 10 });
      const err = await submitJob(client, "nancy", SUBMISSION).catch((e: unknown) => e);
      Grid5000Error.assert(err, {
        reason: "submission-lost",
        message: /no job of that name exists; nothing was resubmitted/,
      });
      expect(posts(fake)).toBe(1);
      expect(fake.jobs.submissions).toBe(0);
    }));

  it("refuses to pick one of two active jobs with the same name", () =>
    withFake(async ({ fake, client }) => {
      fake.jobs.submit("alice", SUBMISSION, fake.clock.nowS());
      fake.jobs.submit("alice", SUBMISSION, fake.clock.nowS());
      const err = await submitJob(client, "nancy", SUBMISSION).catch((e: unknown) => e);
      Grid5000Error.assert(err, { reason: "duplicate-jobs", message: /2 active jobs are named giraff-test/ });
    }));

  it("cancels a stuck job cleanly when the signal aborts, and deletes it", () =>
    withFake(async ({ fake, client, effects }) => {
      fake.faults.stickJobs();
      const controller = new AbortController();
      let polls = 0;
      effects.sleep = async (ms, signal) => {
        if (++polls === 4) controller.abort(new Error("interrupted"));
        return fake.virtualTime.sleep(ms, signal);
      };
      const err = await reserveJob(client, "nancy", SUBMISSION, { signal: controller.signal }).catch((e: unknown) => e);
      Grid5000Error.assert(err, { reason: "cancelled", message: /cancelled while it was waiting/ });
      const job = [...fake.jobs.jobs.values()][0]!;
      expect(job.events.map((e) => e.type)).toEqual(["FRAG_JOB_REQUEST"]);
      expect(fake.requests.filter((r) => r.method === "DELETE")).toHaveLength(1);
    }));

  it("reserves end to end and returns a lease without credentials", () =>
    withFake(async ({ client }) => {
      const outcome = await reserveJob(client, "nancy", SUBMISSION);
      if (outcome.dryRun) throw new Error("not a dry run");
      expect(outcome.lease).toMatchObject({
        site: "nancy",
        jobName: "giraff-test",
        subnets: ["10.144.0.0/22"],
        walltimeS: 7200,
      });
      expect(outcome.lease.nodes).toHaveLength(3);
      expect(JSON.stringify(outcome)).not.toMatch(/s3cret|Basic/);
    }));

  it("surfaces walltime expiry as a sentence", () =>
    withFake(async ({ fake, client }) => {
      const outcome = await reserveJob(client, "nancy", SUBMISSION);
      if (outcome.dryRun) throw new Error("not a dry run");
      const ref = { site: "nancy", uid: outcome.lease.jobUid };
      await checkJobRunning(client, ref);
      fake.clock.advance(2 * 3600 * 1000);
      const err = await checkJobRunning(client, ref).catch((e: unknown) => e);
      Grid5000Error.assert(err, {
        reason: "walltime-expired",
        message: /walltime of 02:00:00 expired at 2026-05-01 10:0/,
      });
    }));

  it("reports a job deleted while waiting as deleted, by whom", () =>
    withFake(async ({ fake, client, effects }) => {
      fake.faults.stickJobs();
      const { job } = await submitJob(client, "nancy", SUBMISSION);
      effects.sleep = async (ms) => {
        if (fake.jobs.get(job.uid).events.length === 0) fake.jobs.delete("alice", job.uid, fake.clock.nowS());
        fake.clock.advance(ms);
      };
      const err = await waitForJob(client, { site: "nancy", uid: job.uid }).catch((e: unknown) => e);
      Grid5000Error.assert(err, {
        reason: "job-deleted",
        message: /was deleted by alice at 2026-05-01 08:00:\d\d \(Europe\/Paris\), before its walltime of 02:00:00/,
      });
    }));
});
