/**
 * The fake's OAR against what OAR does (job-handling, Sarko, Leon and oarsub in OAR's sources): the life cycle and
 * its events, holds, prologue failures, forecasts, admission refusals, sites and addresses.
 */
import { describe, expect, it } from "vitest";
import { BODY, call, eventTypes, withServer } from "./http-testing.ts";

const JOBS = "/sites/nancy/jobs";
const job = (fake: Parameters<Parameters<typeof withServer>[0]>[0], uid = 4242, site = "nancy") =>
  call(fake, "GET", `/sites/${site}/jobs/${uid}`).then((r) => r.json());

describe("fake OAR: how jobs end", () => {
  it("at the walltime: FRAG_JOB_REQUEST by oar and WALLTIME, then Leon's kill, and the job ends in error", () =>
    withServer(async (fake) => {
      await call(fake, "POST", JOBS, BODY);
      fake.clock.advance(2 * 3600_000);
      const j = await job(fake);
      const start = j["started_at"] as number;
      expect(j).toMatchObject({ state: "error", stopped_at: start + 3600 });
      expect(eventTypes(j)).toEqual(["FRAG_JOB_REQUEST", "WALLTIME", "SEND_KILL_JOB", "SWITCH_INTO_ERROR_STATE"]);
      expect((j["events"] as { description: string }[]).map((e) => e.description).slice(0, 2)).toEqual([
        "User oar requested to frag the job 4242",
        `Job: 4242 from ${start} with 3600; current time=${start + 3600} (Elapsed)`,
      ]);
    }));

  it("DELETE of a running job: FRAG_JOB_REQUEST by the user, SEND_KILL_JOB, finishing, then error", () =>
    withServer(async (fake) => {
      await call(fake, "POST", JOBS, BODY);
      fake.clock.advance(60_000);
      expect((await call(fake, "DELETE", `${JOBS}/4242`)).status).toBe(202);
      expect(eventTypes(await job(fake))).toEqual(["FRAG_JOB_REQUEST"]);
      fake.clock.advance(3_000);
      expect((await job(fake))["state"]).toBe("finishing");
      fake.clock.advance(2_000);
      const j = await job(fake);
      expect(j["state"]).toBe("error");
      expect(eventTypes(j)).toEqual(["FRAG_JOB_REQUEST", "SEND_KILL_JOB", "SWITCH_INTO_ERROR_STATE"]);
      expect((j["events"] as { description: string }[])[0]!.description).toBe(
        "User alice requested to frag the job 4242",
      );
    }));

  it("DELETE of a waiting job: Leon puts it in error directly", () =>
    withServer(async (fake) => {
      fake.faults.stickJobs();
      await call(fake, "POST", JOBS, BODY);
      await call(fake, "DELETE", `${JOBS}/4242`);
      fake.clock.advance(3_000);
      expect(await job(fake)).toMatchObject({ state: "error", message: "Job killed by Leon directly" });
    }));

  it("a failed prologue ends the job in error without it ever running (PROLOGUE_ERROR)", () =>
    withServer(async (fake) => {
      fake.faults.failPrologue("j");
      await call(fake, "POST", JOBS, BODY);
      const seen: string[] = [];
      for (let s = 0; s < 40; s++, fake.clock.advance(1_000)) {
        const state = fake.jobs.get(4242).state;
        if (seen.at(-1) !== state) seen.push(state);
      }
      expect(seen).toEqual(["waiting", "tolaunch", "launching", "finishing", "error"]);
      const j = await job(fake);
      expect(j).not.toHaveProperty("started_at");
      expect(j["events"]).toEqual([
        expect.objectContaining({ type: "PROLOGUE_ERROR", description: "[4242] error of oarexec prologue" }),
      ]);
    }));
  it("an advance reservation whose nodes died before its start cannot run: toerror, then error", () =>
    withServer(async (fake) => {
      const body = { ...BODY, reservation: "2026-05-01 09:00:00" };
      const accepted = (await call(fake, "POST", JOBS, body)).json();
      expect(accepted).toMatchObject({ state: "waiting", scheduled_at: Date.UTC(2026, 4, 1, 7) / 1000 });
      fake.faults.killNodes("gros-2.nancy.grid5000.fr");
      fake.clock.advance(3600_000);
      expect(await job(fake)).toMatchObject({ state: "toerror", message: "This advance reservation cannot run" });
      fake.clock.advance(1_000);
      expect((await job(fake))["state"]).toBe("error");
    }));
});

describe("fake OAR: holds and forecasts", () => {
  it("a job an administrator holds stays in hold, without a forecast, until it is resumed", () =>
    withServer(async (fake) => {
      fake.faults.holdJobs("j");
      await call(fake, "POST", JOBS, BODY);
      fake.clock.advance(3600_000);
      const held = await job(fake);
      expect(held["state"]).toBe("hold");
      expect(held).not.toHaveProperty("scheduled_at");
      expect(held["events"]).toEqual([
        expect.objectContaining({ type: "HOLD_WAITING_JOB", description: "User oar launched oarhold on the job 4242" }),
      ]);
      fake.jobs.resume(4242, "oar", fake.clock.nowS());
      fake.clock.advance(60_000);
      expect(eventTypes(await job(fake))).toEqual(["HOLD_WAITING_JOB", "RESUME_JOB"]);
      expect((await job(fake))["state"]).toBe("running");
    }));

  it("a waiting job shows OAR's predicted nodes, which are not the ones it gets when a node dies meanwhile", () =>
    withServer(async (fake) => {
      await call(fake, "POST", JOBS, { ...BODY, name: "big", resources: "{cluster='gros'}/nodes=122,walltime=1:00" });
      fake.clock.advance(60_000);
      await call(fake, "POST", JOBS, { ...BODY, resources: "{cluster='gros'}/nodes=3,walltime=1:00" });
      const waiting = await job(fake, 4243);
      expect(waiting["state"]).toBe("waiting");
      expect(waiting["assigned_nodes"]).toEqual(["gros-1", "gros-2", "gros-3"].map((n) => `${n}.nancy.grid5000.fr`));
      fake.faults.killNodes("gros-2.nancy.grid5000.fr");
      fake.clock.advance(70 * 60_000);
      const ran = await job(fake, 4243);
      expect(ran["state"]).toBe("running");
      expect(ran["assigned_nodes"]).toEqual(["gros-1", "gros-3", "gros-4"].map((n) => `${n}.nancy.grid5000.fr`));
    }));
});

describe("fake OAR: admission", () => {
  const refusal = async (fake: Parameters<Parameters<typeof withServer>[0]>[0], body: object) => {
    const r = await call(fake, "POST", JOBS, { ...BODY, ...body });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^Request to \S+ failed with status 400: \{"code":400,"message":"Oarsub command exited/);
    return JSON.parse(r.text.slice(r.text.indexOf("{"))).message as string;
  };

  it("refuses unknown job types and impossible day/night jobs with OAR's admission rule output", () =>
    withServer(async (fake) => {
      expect(await refusal(fake, { types: ["deploy", "fast"] })).toMatch(
        /^Oarsub command exited with status 254: Admission Rule ERROR : \[ADMISSION RULE\] Error: unknown job type: fast \nOAR_JOB_ID=-2\n/,
      );
      expect(await refusal(fake, { types: ["day", "night"] })).toMatch(/cannot be of both types day and night/);
      expect(await refusal(fake, { types: ["day"], resources: "nodes=1,walltime=12:00" })).toMatch(
        /type day must fit in one day slot .*walltime 12:00:00 is longer than 10:00:00/,
      );
      for (const t of ["destructive", "besteffort", "allow_classic_ssh", "exotic", "monitor=.*", "origin=giraff-ts"])
        expect((await call(fake, "POST", JOBS, { ...BODY, types: [t] })).status).toBe(201);
    }));

  it("schedules night and day jobs in their slots (Friday 08:00 now: night at 19:00, day at 09:00)", () =>
    withServer(async (fake) => {
      const night = (await call(fake, "POST", JOBS, { ...BODY, types: ["night"] })).json();
      const day = (await call(fake, "POST", JOBS, { ...BODY, name: "d", types: ["day"] })).json();
      expect(night["scheduled_at"]).toBe(Date.UTC(2026, 4, 1, 17, 0, 0) / 1000);
      expect(day["scheduled_at"]).toBe(Date.UTC(2026, 4, 1, 7, 0, 0) / 1000);
      fake.clock.advance(2 * 3600_000);
      expect([fake.jobs.get(4242).state, fake.jobs.get(4243).state]).toEqual(["waiting", "running"]);
    }));

  it("refuses properties naming no column, or matching no resource, with oarsub's texts", () =>
    withServer(async (fake) => {
      expect(await refusal(fake, { properties: "colour='red'" })).toMatch(
        /Bad resource request \(ERROR: {2}column "colour" does not exist\)\nOAR_JOB_ID=-5/,
      );
      expect(await refusal(fake, { resources: "nodes=1", properties: "cluster='paravance'" })).toMatch(
        /There are not enough resources for your request\nOAR_JOB_ID=-5/,
      );
      const ok = await call(fake, "POST", JOBS, { ...BODY, resources: "nodes=2", properties: "cluster in ('grisou')" });
      fake.clock.advance(60_000);
      expect(fake.jobs.get(ok.json()["uid"] as number).nodes).toEqual([
        "grisou-1.nancy.grid5000.fr",
        "grisou-2.nancy.grid5000.fr",
      ]);
    }));

  it("checks the project against the user's, and requires one when told to", () =>
    withServer(
      async (fake) => {
        expect(await refusal(fake, {})).toMatch(/a project is required/);
        expect(await refusal(fake, { project: "other" })).toMatch(/not a member of the project other/);
        expect((await call(fake, "POST", JOBS, { ...BODY, project: "giraff" })).json()["project"]).toBe("giraff");
      },
      { admission: { projectRequired: true, projects: { alice: ["giraff"] } } },
    ));
});

describe("fake Grid'5000: sites and addresses", () => {
  it("each site has its own clusters, network and jobs; a job of one site is unknown to the other", () =>
    withServer(async (fake) => {
      const r = (
        await call(fake, "POST", "/sites/rennes/jobs", {
          ...BODY,
          resources: "{cluster='paravance'}/nodes=1+slash_22=1",
        })
      ).json();
      expect(r["uid"]).toBe(104242);
      fake.clock.advance(60_000);
      expect(await job(fake, 104242, "rennes")).toMatchObject({
        assigned_nodes: ["paravance-1.rennes.grid5000.fr"],
        resources_by_type: { subnets: ["10.156.0.0/22"] },
      });
      expect((await call(fake, "GET", "/sites/nancy/jobs/104242")).status).toBe(404);
      expect((await call(fake, "GET", "/sites/nancy/jobs")).json()["total"]).toBe(0);
      expect(await call(fake, "POST", JOBS, { ...BODY, resources: "{cluster='paravance'}/nodes=1" })).toMatchObject({
        status: 400,
      });
      expect((await call(fake, "GET", "/sites/rennes")).json()["g5ksubnet"]).toEqual({
        network: "10.156.0.0/14",
        gateway: "10.159.255.254",
      });
      expect((await call(fake, "GET", "/sites/lyon/jobs")).status).toBe(404);
    }));

  it("`loopback` moves a site's /14 onto 127.0.0.0/8, offsets kept; a bad value is refused by name", async () => {
    await withServer(
      async (fake) => {
        await call(fake, "POST", JOBS, BODY);
        fake.clock.advance(60_000);
        expect((await job(fake))["resources_by_type"]).toMatchObject({ subnets: ["127.140.0.0/22"] });
        expect((await call(fake, "GET", "/sites/nancy")).json()["g5ksubnet"]).toEqual({
          network: "127.140.0.0/14",
          gateway: "127.143.255.254",
        });
        expect((await call(fake, "GET", "/sites/rennes")).json()["g5ksubnet"]).toMatchObject({
          network: "10.156.0.0/14",
        });
      },
      { loopback: { nancy: "127.140.0.0/14" } },
    );
    await expect(withServer(async () => undefined, { loopback: { nancy: "10.0.0.0/14" } })).rejects.toThrow(
      /Expected `loopback.nancy` to be a \/14 inside 127.0.0.0\/8 .*got "10.0.0.0\/14"/,
    );
    await expect(withServer(async () => undefined, { loopback: { lille: "127.8.0.0/14" } })).rejects.toThrow(
      /Expected `loopback.lille` to name a site of the fake \(nancy, rennes\)/,
    );
  });
});
