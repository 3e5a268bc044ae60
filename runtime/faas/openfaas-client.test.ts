// The client's own logic (backoff, error wording, auth header) with recorded effects; the wire behaviour against a
// real gateway is in gateway.test.ts.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import type { HttpAnswer, RequestOptions } from "../http/client.ts";
import { RemoteError } from "../protocol/errors.ts";
import { OpenFaasClient, type FaasClientEffects } from "./openfaas-client.ts";

function answer(status: number, body = ""): HttpAnswer {
  const buffer = Buffer.from(body);
  return { status, headers: {}, body: buffer, text: () => body, json: () => JSON.parse(body) as unknown };
}

/** A clock that only moves when the client sleeps, and a request function that replays `statuses`. */
function scripted(statuses: (number | "timeout")[]) {
  let now = 0;
  const sleeps: number[] = [];
  const calls: { url: string; opts: RequestOptions }[] = [];
  const effects: FaasClientEffects = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    request: async (url, opts) => {
      calls.push({ url, opts });
      const next = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      if (next === "timeout") {
        now += opts.timeoutMs;
        throw new RemoteError({ url, message: `Call to ${url} timed out.`, timedOut: true });
      }
      return answer(next);
    },
  };
  return { effects, sleeps, calls };
}

describe("OpenFaasClient.waitUntilLive", () => {
  it("probes with exponential backoff until the function answers 200", async () => {
    const { effects, sleeps, calls } = scripted([503, "timeout", 503, 200]);
    const client = new OpenFaasClient({ baseUrl: "http://gw:8080/", effects, auth: { username: "u", password: "p" } });
    const live = await client.waitUntilLive("fogfn-1", { timeoutMs: 120_000, probeTimeoutMs: 15_000 });
    expect(live.attempts).toBe(4);
    expect(sleeps).toEqual([100, 150, 225]);
    expect(calls[0]!.url).toBe("http://gw:8080/function/fogfn-1/health");
    expect(calls[0]!.opts.headers?.["authorization"]).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(calls.map((c) => c.opts.timeoutMs)).toEqual([15_000, 15_000, 15_000, 15_000]);
  });

  it("gives up at the live timeout with a sentence saying what the last probe saw", async () => {
    const { effects, calls } = scripted([503]);
    const client = new OpenFaasClient({ baseUrl: "http://gw:8080", effects });
    const err = await client.waitUntilLive("fogfn-2", { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ timedOut: true });
    expect((err as Error).message).toBe(
      `Function \`fogfn-2\` did not become live within 2000 ms at http://gw:8080 (${calls.length} probes; last: it answered 503).`,
    );
  });

  it("cuts the probe timeout to the time left", async () => {
    const { effects, calls } = scripted(["timeout"]);
    const client = new OpenFaasClient({ baseUrl: "http://gw:8080", effects });
    await expect(client.waitUntilLive("fogfn-3", { timeoutMs: 1_000, probeTimeoutMs: 15_000 })).rejects.toThrow(
      /last: the probe timed out/,
    );
    expect(calls[0]!.opts.timeoutMs).toBe(1_000);
  });
});

describe("OpenFaasClient errors", () => {
  it("says which call failed when the gateway is unreachable", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const client = new OpenFaasClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5_000 });
    const err = await client.deploy({ service: "fogfn-x", image: "echo" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ isUnreachable: true });
    expect((err as Error).message).toMatch(
      /^Could not deploy `fogfn-x` on the OpenFaaS gateway at http:\/\/127\.0\.0\.1:\d+: /,
    );
  });

  it("quotes OpenFaaS's plain-text error bodies", async () => {
    const effects: Partial<FaasClientEffects> = {
      request: async () => answer(500, 'deployments.apps "fogfn-y" already exists\n'),
    };
    const client = new OpenFaasClient({ baseUrl: "http://gw:8080", effects });
    await expect(client.deploy({ service: "fogfn-y", image: "echo" })).rejects.toThrow(
      'Could not deploy `fogfn-y` on the OpenFaaS gateway at http://gw:8080: it answered 500: deployments.apps "fogfn-y" already exists',
    );
  });

  it("refuses a list that is not an array of functions", async () => {
    const client = new OpenFaasClient({
      baseUrl: "http://gw:8080",
      effects: { request: async () => answer(200, "{}") },
    });
    await expect(client.list()).rejects.toThrow(/not an array of `\{name, image\}` objects/);
  });
});
