/**
 * The API is HTTPS only, and so is the fake: its certificate comes from a throwaway CA that nothing trusts by default.
 * A client that does not trust it stops at once with a sentence naming TLS (no retries: the certificate will not
 * change); given the CA (`ca`, or NODE_EXTRA_CA_CERTS in a child process, as behind a corporate CA), it works. Plain
 * HTTP is refused except on loopback, where the password does not cross a network.
 */
import { execa, ExecaError } from "execa";
import { describe, expect, it } from "vitest";
import { request } from "../../../../runtime/http/client.ts";
import { isRemoteError } from "../../../../runtime/protocol/errors.ts";
import { DEFAULT_FAKE_AUTH, startFakeGrid5000 } from "../fake/index.ts";
import { apiUrlProblem, Grid5000Client } from "./client.ts";
import { defaultGrid5000Effects, type Grid5000Effects } from "./effects.ts";
import { Grid5000Error } from "./errors.ts";
import { getJob, listJobs, submitJob } from "./jobs.ts";
import { LOGIN, PASSWORD, SUBMISSION, TOKEN, withFake } from "./testing/with-fake.ts";

const basic = { mode: "basic" as const, username: LOGIN, password: PASSWORD };

describe("Grid'5000 API over TLS", () => {
  it("refuses the fake's certificate when its CA is not trusted: one attempt, a sentence naming TLS", async () => {
    const fake = await startFakeGrid5000({ auth: DEFAULT_FAKE_AUTH });
    try {
      expect(fake.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/stable$/);
      const logs: string[] = [];
      let sleeps = 0;
      const effects: Grid5000Effects = {
        ...defaultGrid5000Effects,
        sleep: async () => void sleeps++,
        log: (l) => logs.push(l),
      };
      const client = new Grid5000Client({ baseUrl: fake.baseUrl, auth: basic }, effects);
      const started = Date.now();
      for (const call of [
        () => getJob(client, { site: "nancy", uid: 1 }),
        () => submitJob(client, "nancy", SUBMISSION),
      ]) {
        const err = await call().then(
          () => expect.fail("expected a TLS refusal"),
          (e: unknown) => e,
        );
        Grid5000Error.assert(err, {
          reason: "tls",
          message:
            /TLS connection to 127\.0\.0\.1:\d+ failed.*TLS certificate refused \(UNABLE_TO_VERIFY_LEAF_SIGNATURE.*NODE_EXTRA_CA_CERTS=<ca\.pem> or G5K_API_CA/,
        });
        expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(TOKEN);
      }
      // no retry storm: no backoff, nothing logged, and no request ever reached the server in clear
      expect(sleeps).toBe(0);
      expect(logs).toEqual([]);
      expect(fake.rawRequestCount()).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await fake.close();
    }
  });

  it("works when the CA is trusted, and the runtime client keeps the connection alive", () =>
    withFake(async ({ fake, client }) => {
      expect(await listJobs(client, "nancy", { user: LOGIN })).toEqual([]);
      const a = await request(`${fake.baseUrl}/sites/nancy`, { timeoutMs: 5_000, ca: fake.ca });
      const b = await request(`${fake.baseUrl}/sites/nancy`, { timeoutMs: 5_000, ca: fake.ca });
      expect([a.status, b.status]).toEqual([401, 401]);
      // the runtime client alone: a clear RemoteError, neither unreachable nor timed out
      const refused = await request(`${fake.baseUrl}/sites`, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(isRemoteError(refused) && refused.isUnreachable).toBe(false);
      expect((refused as Error).message).toMatch(/failed: TLS certificate refused \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    }));

  it("a child process trusts the fake through NODE_EXTRA_CA_CERTS, as behind a corporate CA", async () => {
    const fake = await startFakeGrid5000({ auth: DEFAULT_FAKE_AUTH });
    try {
      const script = [
        `import { Grid5000Client, listJobs } from ${JSON.stringify(new URL("./index.ts", import.meta.url).pathname)};`,
        "const auth = { mode: 'basic', username: process.env.U, password: process.env.P };",
        "const client = new Grid5000Client({ baseUrl: process.env.URL, auth });",
        "console.log(JSON.stringify(await listJobs(client, 'nancy', { user: process.env.U })));",
      ].join("\n");
      const env = { ...process.env, URL: fake.baseUrl, U: LOGIN, P: PASSWORD };
      const node = (extra: Record<string, string>) =>
        execa(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          env: { ...env, ...extra },
          timeout: 30_000,
        });
      expect((await node({ NODE_EXTRA_CA_CERTS: fake.caPath })).stdout.trim()).toBe("[]");
      const served = fake.rawRequestCount();
      expect(served).toBeGreaterThan(0);
      const untrusted = await node({}).then(
        () => expect.fail("expected a TLS refusal"),
        (e: unknown) =>
          e instanceof ExecaError ? String(e.stderr) : expect.fail(`expected execa's error, got ${String(e)}`),
      );
      expect(untrusted).toMatch(/TLS certificate refused/);
      expect(untrusted).not.toContain(PASSWORD);
      expect(fake.rawRequestCount()).toBe(served);
    } finally {
      await fake.close();
    }
  }, 60_000);

  it.each([
    [
      "http://api.grid5000.fr/stable",
      /plain HTTP to a host that is not loopback: Basic auth would send the password in clear/,
    ],
    ["http://10.0.0.1:8080/stable", /plain HTTP/],
    ["ftp://api.grid5000.fr/stable", /uses ftp:, which the API does not speak/],
  ])("refuses %s before any call", (baseUrl, message) => {
    expect(apiUrlProblem(baseUrl)).toMatch(message);
    const err = (() => {
      try {
        return new Grid5000Client({ baseUrl, auth: basic });
      } catch (e) {
        return e;
      }
    })();
    Grid5000Error.assert(err, { reason: "bad-request", message });
  });

  it.each([
    "https://api.grid5000.fr/stable",
    "http://127.0.0.1:8080/stable",
    "http://localhost/stable",
    "http://[::1]:8080/stable",
  ])("accepts %s", (baseUrl) => {
    expect(apiUrlProblem(baseUrl)).toBeUndefined();
    expect(new Grid5000Client({ baseUrl, auth: basic }).baseUrl).toBe(baseUrl);
  });
});
