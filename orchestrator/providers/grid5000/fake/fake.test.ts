import { describe, expect, it } from "vitest";
import { expectGolden } from "./golden.ts";
import { BODY, call, withServer } from "./http-testing.ts";

describe("fake Grid'5000: auth", () => {
  it("outside: the proxy answers 401 to missing or wrong credentials, even for reads, with an HTML page", () =>
    withServer(async (fake) => {
      const none = await call(fake, "GET", "/sites/nancy", undefined, {});
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
      expect(none.headers.get("content-type")).toMatch(/^text\/html/);
      expect(none.text).toMatch(/<title>401 Unauthorized<\/title>/);
      expect((await call(fake, "GET", "/sites/nancy", undefined, { authorization: "Basic eDp5" })).status).toBe(401);
      expect((await call(fake, "GET", "/sites/nancy")).status).toBe(200);
    }));

  it("inside: X-Api-User-CN identifies; anonymous reads work and anonymous writes get the app's 403", () =>
    withServer(
      async (fake) => {
        expect((await call(fake, "GET", "/sites/nancy/jobs", undefined, {})).status).toBe(200);
        const anonymous = await call(fake, "POST", "/sites/nancy/jobs", BODY, {});
        expect(anonymous).toMatchObject({ status: 403, text: "You are not authorized to access this resource" });
        const created = await call(fake, "POST", "/sites/nancy/jobs", BODY, { "x-api-user-cn": "carol" });
        expect(created.json()["user"]).toBe("carol");
        const uid = created.json()["uid"] as number;
        expect(
          (await call(fake, "DELETE", `/sites/nancy/jobs/${uid}`, undefined, { "x-api-user-cn": "dave" })).status,
        ).toBe(403);
      },
      { auth: { mode: "inside" } },
    ));
});

describe("fake Grid'5000: jobs", () => {
  it("answers 201 with Location and the job JSON with the pinned key set, then runs it on the virtual clock", () =>
    withServer(async (fake) => {
      const created = await call(fake, "POST", "/sites/nancy/jobs", BODY);
      expect(created.status).toBe(201);
      expect(created.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(created.headers.get("location")).toBe("/stable/sites/nancy/jobs/4242");
      expect(Object.keys(created.json())).toEqual(
        "uid user user_uid name project queue state types mode command directory properties message submitted_at scheduled_at walltime events assigned_nodes resources_by_type links".split(
          " ",
        ),
      );
      expect(created.json()).toMatchObject({ state: "waiting", walltime: 3600, scheduled_at: fake.clock.nowS() + 5 });
      const t0 = fake.jobs.get(4242).submittedAt;
      const seen: string[] = [];
      for (let s = 0; s < 3700; s++) {
        const state = fake.jobs.get(4242).state;
        if (seen.at(-1) !== state) seen.push(state);
        fake.clock.advance(1_000);
      }
      expect(seen).toEqual(["waiting", "tolaunch", "launching", "running", "finishing", "error"]);
      const job = (await call(fake, "GET", "/sites/nancy/jobs/4242")).json();
      expect(job).toMatchObject({
        state: "error",
        scheduled_at: t0 + 5,
        started_at: t0 + 26,
        stopped_at: t0 + 26 + 3600,
        assigned_nodes: ["gros-1.nancy.grid5000.fr", "gros-2.nancy.grid5000.fr"],
        resources_by_type: { subnets: ["10.144.0.0/22"] },
      });
      expect((job["resources_by_type"] as { cores: string[] }).cores).toHaveLength(36);
    }));

  it("queues a job that does not fit and predicts its start from the running job's end", () =>
    withServer(async (fake) => {
      await call(fake, "POST", "/sites/nancy/jobs", {
        ...BODY,
        resources: "{cluster='gros'}/nodes=124,walltime=2:00:00",
      });
      fake.clock.advance(60_000);
      const second = (await call(fake, "POST", "/sites/nancy/jobs", BODY)).json();
      const t0 = fake.jobs.get(4242).submittedAt;
      // the gantt predicts the end of the first job at its walltime (start + 7200); its nodes are free only once it
      // has finished (+ 2 s), so the prediction is an estimate, as OAR's is
      expect(second).toMatchObject({ state: "waiting", scheduled_at: t0 + 5 + 1 + 20 + 7200 });
      fake.clock.advance(2 * 3600_000);
      expect(fake.jobs.get(4243)).toMatchObject({ state: "running", toLaunchAt: t0 + 7228 });
    }));

  it("lists newest first with filters, and resources only with resources=yes", () =>
    withServer(async (fake) => {
      for (const name of ["a", "b", "a"])
        await call(fake, "POST", "/sites/nancy/jobs", { ...BODY, name, resources: "nodes=1" });
      const list = (await call(fake, "GET", "/sites/nancy/jobs?name=a&state=waiting,running")).json();
      expect(list).toMatchObject({ total: 2, offset: 0 });
      const items = list["items"] as Record<string, unknown>[];
      expect(items.map((j) => j["uid"])).toEqual([4244, 4242]);
      expect(items[0]).not.toHaveProperty("assigned_nodes");
      const full = (await call(fake, "GET", "/sites/nancy/jobs?resources=yes&limit=1")).json();
      expect((full["items"] as unknown[])[0]).toHaveProperty("resources_by_type");
    }));

  it("deletes a waiting job to error after a delay; twice is OAR's 'already killed'; unknown is the app's 404", () =>
    withServer(async (fake) => {
      await call(fake, "POST", "/sites/nancy/jobs", BODY);
      const del = await call(fake, "DELETE", "/sites/nancy/jobs/4242");
      expect(del.status).toBe(202);
      expect(del.headers.get("x-oar-info")).toMatch(/REGISTERED/);
      expect((await call(fake, "DELETE", "/sites/nancy/jobs/4242")).text).toMatch(/This job was already killed/);
      fake.clock.advance(3_000);
      expect(fake.jobs.get(4242).state).toBe("error");
      expect(await call(fake, "GET", "/sites/nancy/jobs/7")).toMatchObject({
        status: 404,
        text: "Couldn't find OAR::Job with 'job_id'=7",
      });
    }));

  it("validates submissions with the app's texts", () =>
    withServer(async (fake) => {
      const bad = (body: unknown) => call(fake, "POST", "/sites/nancy/jobs", body).then((r) => `${r.status} ${r.text}`);
      expect(await bad({ ...BODY, command: undefined })).toBe(
        "400 The job you are trying to submit is not valid: you must give a :command to execute on launch",
      );
      expect(await bad({ ...BODY, reservation: 42 })).toBe("400 `reservation` should be a String.");
      expect(await bad({ ...BODY, reservation: "soon" })).toMatch(
        /^400 .*should at least match the format: 'YYYY-MM-DD hh:mm:ss'/,
      );
      expect(await bad({ ...BODY, reservation: "2026-04-30 08:00:00" })).toMatch(/Reservation too old/);
      expect(await bad({ ...BODY, resources: "{cluster='gros'}/cores=3" })).toMatch(/^400 .*Bad resource request/);
      fake.faults.refuseReservationsUntil = "2026-05-01 19:00:00";
      expect(await bad({ ...BODY, reservation: "2026-05-01 12:00:00" })).toBe(
        "400 Reservation not valid --> KO (This reservation could run at 2026-05-01 19:00:00)",
      );
    }));

  it("a `sleep N` shorter than the walltime ends by itself in terminated, exit code 0", () =>
    withServer(async (fake) => {
      await call(fake, "POST", "/sites/nancy/jobs", { ...BODY, command: "sleep 60" });
      fake.clock.advance(5 * 60_000);
      const job = (await call(fake, "GET", "/sites/nancy/jobs/4242")).json();
      const t0 = fake.jobs.get(4242).submittedAt;
      expect(job).toMatchObject({ state: "terminated", exit_code: 0, stopped_at: t0 + 26 + 60 });
      expect((job["events"] as { type: string }[]).map((e) => e.type)).toEqual(["SWITCH_INTO_TERMINATE_STATE"]);
    }));
});

describe("fake Grid'5000: deployments and reference data", () => {
  it("deploys with the pinned key set and per-node results", () =>
    withServer(async (fake) => {
      await call(fake, "POST", "/sites/nancy/jobs", BODY);
      fake.clock.advance(60_000);
      fake.faults.koNodes("gros-2.nancy.grid5000.fr");
      const created = await call(fake, "POST", "/sites/nancy/deployments", {
        nodes: ["gros-1.nancy.grid5000.fr", "gros-2.nancy.grid5000.fr"],
        environment: "debian12-nfs",
      });
      expect(created.status).toBe(201);
      expect(Object.keys(created.json()).sort()).toEqual(
        "created_at disable_bootloader_install disable_disk_partitioning environment ignore_nodes_deploying links nodes site_uid status uid updated_at user_uid".split(
          " ",
        ),
      );
      expect(created.json()).toMatchObject({ status: "processing", uid: "D-00000000-0000-4000-8000-000000000001" });
      fake.clock.advance(300_000);
      const done = (await call(fake, "GET", "/sites/nancy/deployments/D-00000000-0000-4000-8000-000000000001")).json();
      expect(done["status"]).toBe("terminated");
      expect(done["result"]).toMatchObject({
        "gros-1.nancy.grid5000.fr": { state: "OK" },
        "gros-2.nancy.grid5000.fr": { state: "KO" },
      });
    }));

  it("serves sites, clusters and nodes", () =>
    withServer(async (fake) => {
      const sites = (await call(fake, "GET", "/sites")).json();
      expect((sites["items"] as { uid: string }[]).map((s) => s.uid)).toEqual(["nancy", "rennes"]);
      const nodes = (await call(fake, "GET", "/sites/nancy/clusters/gros/nodes")).json()["items"] as Record<
        string,
        unknown
      >[];
      expect(nodes).toHaveLength(124);
      expect(nodes[0]).toMatchObject({
        uid: "gros-1",
        architecture: { nb_threads: 36 },
        main_memory: { ram_size: 96 * 1024 ** 3 },
      });
      expect((await call(fake, "GET", "/sites/lyon")).status).toBe(404);
    }));
});

describe("golden files", () => {
  it("fail when missing or different, and are rewritten only with the env var", async () => {
    await expect(expectGolden("does-not-exist", {}, {})).rejects.toThrow(
      /missing; run the tests with GIRAFF_UPDATE_GOLDEN=1/,
    );
    await expect(expectGolden("gros-current-golden.requests", [], {})).rejects.toThrow(/differ from/);
  });
});
