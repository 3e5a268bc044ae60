import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Grid5000Client } from "./client.ts";
import { defaultGrid5000Effects, type Grid5000Effects } from "./effects.ts";
import { Grid5000Error, isReservationTooEarly } from "./errors.ts";
import { deleteJob, getJob, submitJob } from "./jobs.ts";
import { formatOarDate } from "./oar-time.ts";
import { LOGIN, PASSWORD, SUBMISSION, TOKEN, withFake } from "./testing/with-fake.ts";

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );

/** Neither the password nor the Basic token may appear anywhere an error or a log line can go. */
function expectNoSecret(...things: unknown[]) {
  for (const thing of things) {
    const text = typeof thing === "string" ? thing : `${inspect(thing, { depth: 10 })} ${JSON.stringify(thing)}`;
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
  }
}

describe("Grid5000Client error mapping", () => {
  it("401: the proxy's HTML page becomes 'credentials refused', with where they come from and no secret", () =>
    withFake(
      async ({ client, logs }) => {
        const err = await fail(getJob(client, { site: "nancy", uid: 1 }));
        Grid5000Error.assert(err, {
          reason: "unauthorized",
          message:
            /^Grid'5000 refused the credentials of alice on GET \/sites\/nancy\/jobs\/1 \(401 from the front proxy\): .*They come from G5K_USER and G5K_PASSWORD in the environment, or username: and password: in ~\/.python-grid5000.yaml/,
        });
        expect((err as Grid5000Error).body).toBe("401 Unauthorized (an HTML page)");
        expectNoSecret(err, ...logs);
        expect(JSON.stringify(err)).not.toContain("wrong-");
      },
      { auth: { mode: "basic", username: LOGIN, password: "wrong-" + PASSWORD } },
    ));

  it.each([
    [
      ": the credentials' source, when the caller knows it, is the one named",
      { mode: "basic", username: LOGIN, password: "wrong", source: "/home/alice/.python-grid5000.yaml" } as const,
      /They come from \/home\/alice\/.python-grid5000.yaml; fix them there/,
    ],
    [
      " to a client in inside mode: it sends no credentials, and the sentence says so",
      { mode: "inside", username: LOGIN } as const,
      /runs in inside mode \(G5K_INSIDE\) and sends none/,
    ],
  ])("401%s", (_, auth, message) =>
    withFake(
      async ({ client }) => {
        const err = await fail(getJob(client, { site: "nancy", uid: 1 }));
        Grid5000Error.assert(err, { reason: "unauthorized", message });
      },
      { auth },
    ),
  );

  it("403: a job of someone else cannot be deleted", () =>
    withFake(async ({ fake, client }) => {
      const other = fake.jobs.submit("bob", SUBMISSION, fake.clock.nowS());
      const err = await fail(deleteJob(client, { site: "nancy", uid: other.uid }));
      Grid5000Error.assert(err, { reason: "forbidden", message: /did not allow DELETE .*only the owner/ });
    }));

  it("403: inside Grid'5000 without an identity, writes are refused", () =>
    withFake(
      async ({ client }) => {
        const err = await fail(submitJob(client, "nancy", SUBMISSION));
        Grid5000Error.assert(err, { reason: "forbidden", message: /You are not authorized to access this resource/ });
      },
      { fake: { auth: { mode: "inside" } }, auth: { mode: "inside" } },
    ));

  it("inside Grid'5000 the proxy's identity is enough", () =>
    withFake(
      async ({ fake, client }) => {
        const { job } = await submitJob(client, "nancy", SUBMISSION);
        expect(job.user).toBe("alice");
        expect(fake.requests.every((r) => r.user === "alice")).toBe(true);
      },
      { fake: { auth: { mode: "inside", proxyUser: "alice" } }, auth: { mode: "inside", username: "alice" } },
    ));

  it("404: a job that does not exist is gone", () =>
    withFake(async ({ client }) => {
      const err = await fail(getJob(client, { site: "nancy", uid: 99 }));
      Grid5000Error.assert(err, { reason: "not-found", message: /Couldn't find OAR::Job with 'job_id'=99/ });
    }));

  it("400: bad input is a sentence with the app's text", () =>
    withFake(async ({ client }) => {
      const err = await fail(submitJob(client, "nancy", { ...SUBMISSION, reservation: "next friday" }));
      Grid5000Error.assert(err, { reason: "bad-request", message: /Syntax error in reservation start date/ });
    }));

  it("'could run at' becomes ReservationTooEarly carrying the date", () =>
    withFake(async ({ fake, client }) => {
      const now = fake.clock.now();
      const start = formatOarDate(now + 3600_000);
      fake.jobs.submit(
        "bob",
        { ...SUBMISSION, resources: "{cluster='gros'}/nodes=124,walltime=4:00:00" },
        fake.clock.nowS(),
      );
      fake.clock.advance(60_000);
      const err = await fail(submitJob(client, "nancy", { ...SUBMISSION, reservation: start }));
      if (!isReservationTooEarly(err)) throw err;
      // bob's job was scheduled at 08:00:05 and holds every gros node for 1 s + 20 s of launch plus 4 h.
      expect(err.couldRunAt).toBe("2026-05-01 12:00:26");
      expect(err.couldRunAtMs).toBe(Date.UTC(2026, 4, 1, 10, 0, 26));
      expect(err.message).toMatch(/could run at 2026-05-01 12:00:26 \(Europe\/Paris\)/);
    }));

  it("5xx bursts are retried for GET and DELETE, with the attempts logged", () =>
    withFake(async ({ fake, client, logs }) => {
      const { job } = await submitJob(client, "nancy", SUBMISSION);
      fake.faults.failNext({ method: "GET", path: /\/jobs\/\d+$/, status: 502, count: 3 });
      expect((await getJob(client, { site: "nancy", uid: job.uid })).uid).toBe(job.uid);
      fake.faults.failNext({ method: "DELETE", path: /\/jobs\/\d+$/, status: 504, count: 2 });
      await deleteJob(client, { site: "nancy", uid: job.uid });
      expect(fake.requests.filter((r) => r.method === "DELETE").map((r) => r.status)).toEqual([504, 504, 202]);
      expect(logs.filter((l) => /retrying in/.test(l))).toHaveLength(5);
    }));

  it("a 5xx burst longer than the attempts ends in one sentence", () =>
    withFake(async ({ fake, client }) => {
      fake.faults.failNext({ method: "GET", path: /\/jobs\/1$/, status: 500, count: 10 });
      const err = await fail(getJob(client, { site: "nancy", uid: 1 }));
      Grid5000Error.assert(err, {
        reason: "server",
        message: /failed on GET \/sites\/nancy\/jobs\/1 with 500 after 5 attempts/,
      });
    }));

  it("redacts credentials a server echoes back, in errors and logs", async () => {
    const logs: string[] = [];
    const effects: Grid5000Effects = {
      ...defaultGrid5000Effects,
      log: (l) => logs.push(l),
      sleep: async () => undefined,
      http: async (_url, call) => ({
        status: 400,
        headers: {},
        text: `bad request; you sent Authorization: ${call.headers["authorization"]} and password=${PASSWORD}`,
      }),
    };
    const client = new Grid5000Client(
      { baseUrl: "http://127.0.0.1:9/stable", auth: { mode: "basic", username: LOGIN, password: PASSWORD } },
      effects,
    );
    const err = await fail(getJob(client, { site: "nancy", uid: 1 }));
    Grid5000Error.assert(err, { reason: "bad-request", message: /\[redacted\]/ });
    client.log(`debug ${PASSWORD}`);
    expectNoSecret(err, ...logs);
  });

  it("refuses a base URL that carries credentials, without repeating them", () => {
    const err = (() => {
      try {
        return new Grid5000Client({
          baseUrl: `https://${LOGIN}:${PASSWORD}@api.grid5000.fr/stable`,
          auth: { mode: "inside" },
        });
      } catch (e) {
        return e;
      }
    })();
    Grid5000Error.assert(err, { message: /must not carry credentials/ });
    expectNoSecret(err);
  });

  it("a server that cannot be reached is a sentence, retried for GET", async () => {
    const logs: string[] = [];
    const client = new Grid5000Client(
      {
        baseUrl: "http://127.0.0.1:9/stable",
        auth: { mode: "basic", username: LOGIN, password: PASSWORD },
        retry: { attempts: 2 },
      },
      { ...defaultGrid5000Effects, sleep: async () => undefined, log: (l) => logs.push(l) },
    );
    const err = await fail(getJob(client, { site: "nancy", uid: 1 }));
    Grid5000Error.assert(err, { reason: "unreachable", message: /could not reach Grid'5000/ });
    expect(logs).toHaveLength(1);
    expectNoSecret(err, ...logs);
  });
});
