/**
 * The client against what OAR really does, through the fake (fake/jobs.ts, fake/admission.ts): it waits through
 * holds, tells a deletion from a walltime expiry and from a prologue failure by OAR's events, never takes OAR's
 * forecast for a lease, names the field and rule of a refused submission, and keeps sites apart.
 */
import { describe, expect, it } from "vitest";
import { Grid5000Error } from "./errors.ts";
import { deleteJob, getJob, submitJob } from "./jobs.ts";
import { leaseOf, reserveJob } from "./reserve.ts";
import { SUBMISSION, withFake } from "./testing/with-fake.ts";
import { checkJobRunning, waitForJob } from "./wait-job.ts";

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );

describe("waiting for an OAR job", () => {
  it("waits through an administrator's hold, saying who holds it, and runs once resumed", () =>
    withFake(async ({ fake, client, logs, effects }) => {
      fake.faults.holdJobs(SUBMISSION.name);
      const { job } = await submitJob(client, "nancy", SUBMISSION);
      let polls = 0;
      effects.sleep = async (ms) => {
        if (++polls === 5) fake.jobs.resume(job.uid, "oar", fake.clock.nowS());
        fake.clock.advance(ms);
      };
      const running = await waitForJob(client, { site: "nancy", uid: job.uid });
      expect(running.state).toBe("running");
      expect(logs).toContain(
        `Job ${job.uid} on nancy is held by an administrator (oar) (hold): OAR will not start it until it is resumed (oarresume).`,
      );
      expect(logs.at(-1)).toBe(`Job ${job.uid} on nancy is running.`);
    }));

  it("adopts a held job of ours instead of submitting a duplicate next to it", () =>
    withFake(async ({ fake, client }) => {
      fake.faults.holdJobs();
      const first = await submitJob(client, "nancy", SUBMISSION);
      const again = await submitJob(client, "nancy", SUBMISSION);
      expect(again).toMatchObject({ adopted: true, job: { uid: first.job.uid, state: "hold" } });
      expect(fake.jobs.submissions).toBe(1);
    }));

  it("gives up on a job held past its deadline, naming the hold", () =>
    withFake(async ({ fake, client }) => {
      fake.faults.holdJobs();
      const { job } = await submitJob(client, "nancy", SUBMISSION);
      const err = await fail(
        waitForJob(client, { site: "nancy", uid: job.uid }, { deadlineMs: fake.clock.now() + 3600_000 }),
      );
      Grid5000Error.assert(err, {
        reason: "timeout",
        message: /is held by an administrator \(oar\) \(hold\).* still at the deadline \(2026-05-01 09:00:00/,
      });
    }));

  it("reports a prologue failure with OAR's event text: the job failed without ever running", () =>
    withFake(async ({ fake, client }) => {
      fake.faults.failPrologue();
      const { job } = await submitJob(client, "nancy", SUBMISSION);
      const err = await fail(waitForJob(client, { site: "nancy", uid: job.uid }));
      Grid5000Error.assert(err, {
        reason: "job-failed",
        message: new RegExp(
          `^Job ${job.uid} on nancy failed without ever running \\((finishing|error)\\): OAR reports PROLOGUE_ERROR: \\[${job.uid}\\] error of oarexec prologue\\.$`,
        ),
      });
    }));

  it("reports an advance reservation OAR could not start (toerror) with OAR's message", () =>
    withFake(async ({ fake, client }) => {
      const { job } = await submitJob(client, "nancy", { ...SUBMISSION, reservation: "2026-05-01 09:00:00" });
      fake.faults.killNodes("gros-1.nancy.grid5000.fr");
      const err = await fail(waitForJob(client, { site: "nancy", uid: job.uid }));
      Grid5000Error.assert(err, {
        reason: "job-failed",
        message: new RegExp(
          `^Job ${job.uid} on nancy could not start \\((toerror|error)\\): OAR says This advance reservation cannot run\\.$`,
        ),
      });
    }));

  it("tells a walltime expiry from a deletion, though both end in error", () =>
    withFake(async ({ fake, client }) => {
      const first = await reserveJob(client, "nancy", SUBMISSION);
      if (first.dryRun) throw new Error("not a dry run");
      const a = { site: "nancy", uid: first.lease.jobUid };
      fake.clock.advance(2 * 3600_000 + 10_000);
      expect((await getJob(client, a)).state).toBe("error");
      Grid5000Error.assert(await fail(checkJobRunning(client, a)), {
        reason: "walltime-expired",
        message:
          /walltime of 02:00:00 expired at 2026-05-01 10:00:26 \(Europe\/Paris\); OAR says WALLTIME: Job: \d+ from \d+ with 7200/,
      });
      const second = await reserveJob(client, "nancy", { ...SUBMISSION, name: "giraff-2" });
      if (second.dryRun) throw new Error("not a dry run");
      const b = { site: "nancy", uid: second.lease.jobUid };
      await deleteJob(client, b);
      fake.clock.advance(10_000);
      Grid5000Error.assert(await fail(checkJobRunning(client, b)), {
        reason: "job-deleted",
        message:
          /was deleted by alice at .* before its walltime of 02:00:00 \(OAR: FRAG_JOB_REQUEST: User alice requested to frag the job \d+\); it is error\./,
      });
    }));
});

describe("OAR's forecast is not a lease", () => {
  it("a waiting job's predicted nodes are refused as a lease; the lease is the running job's nodes", () =>
    withFake(async ({ fake, client }) => {
      fake.jobs.submit(
        "bob",
        { ...SUBMISSION, resources: "{cluster='gros'}/nodes=122,walltime=1:00" },
        fake.clock.nowS(),
      );
      fake.clock.advance(60_000);
      const { job } = await submitJob(client, "nancy", SUBMISSION);
      const waiting = await getJob(client, { site: "nancy", uid: job.uid });
      expect(waiting.state).toBe("waiting");
      expect(waiting.assigned_nodes).toEqual(["gros-1", "gros-2", "gros-3"].map((n) => `${n}.nancy.grid5000.fr`));
      const refused = (() => {
        try {
          return leaseOf("nancy", waiting);
        } catch (e) {
          return e;
        }
      })();
      Grid5000Error.assert(refused, {
        reason: "not-running",
        message: /is waiting, not running: its nodes \(3\) are OAR's forecast/,
      });
      fake.faults.killNodes("gros-1.nancy.grid5000.fr");
      const outcome = await reserveJob(client, "nancy", SUBMISSION);
      if (outcome.dryRun) throw new Error("not a dry run");
      expect(outcome.adopted).toBe(true);
      expect(outcome.lease.nodes).toEqual(["gros-2", "gros-3", "gros-4"].map((n) => `${n}.nancy.grid5000.fr`));
    }));
});

describe("OAR's refusals name the field and the rule", () => {
  const refusedBy = async (client: Parameters<typeof submitJob>[0], body: object) =>
    fail(submitJob(client, "nancy", { ...SUBMISSION, ...body }));

  it("types, properties, resources and project", () =>
    withFake(
      async ({ client, fake }) => {
        Grid5000Error.assert(await refusedBy(client, { types: ["fast"] }), {
          reason: "refused",
          message:
            /^Grid'5000's OAR refused the job \(POST \/sites\/nancy\/jobs, 400\) because of `types`: unknown job type: fast\.$/,
        });
        const props = (await refusedBy(client, { properties: "colour='red'" })) as Grid5000Error;
        expect([props.reason, props.field, props.rule]).toEqual([
          "refused",
          "properties",
          'Bad resource request (ERROR: column "colour" does not exist)',
        ]);
        const size = (await refusedBy(client, { resources: "{cluster='gros'}/nodes=500" })) as Grid5000Error;
        expect([size.field, size.rule]).toEqual([
          "resources",
          "There are not enough resources for your request (no resources match `resources` and `properties` together)",
        ]);
        const project = (await refusedBy(client, { project: "other" })) as Grid5000Error;
        expect([project.field, project.rule]).toEqual([
          "project",
          "you are not a member of the project other (your projects: giraff)",
        ]);
        const night = (await refusedBy(client, {
          types: ["night"],
          resources: "nodes=1,walltime=70:00",
        })) as Grid5000Error;
        expect(night.field).toBe("types");
        expect(fake.jobs.submissions).toBe(0);
      },
      { fake: { admission: { projects: { alice: ["giraff"] } } } },
    ));
});

describe("sites", () => {
  it("a job on rennes is reserved there, with rennes's network, and is unknown on nancy", () =>
    withFake(async ({ client }) => {
      const outcome = await reserveJob(client, "rennes", {
        ...SUBMISSION,
        resources: "{cluster='paravance'}/nodes=2+slash_22=1,walltime=02:00:00",
      });
      if (outcome.dryRun) throw new Error("not a dry run");
      expect(outcome.lease).toMatchObject({
        site: "rennes",
        nodes: ["paravance-1.rennes.grid5000.fr", "paravance-2.rennes.grid5000.fr"],
        subnets: ["10.156.0.0/22"],
      });
      Grid5000Error.assert(await fail(getJob(client, { site: "nancy", uid: outcome.lease.jobUid })), {
        reason: "not-found",
      });
      // the name is free on nancy: adoption looks only at the site asked
      const nancy = await submitJob(client, "nancy", SUBMISSION);
      expect(nancy.adopted).toBe(false);
    }));
});
