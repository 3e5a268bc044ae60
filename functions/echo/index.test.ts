// The echo function as a real process on loopback, against the function contract (reference/giraff.md §8).
import { describe, expect, it } from "vitest";
import { request } from "../../runtime/http/client.ts";
import { startFunction } from "../lib/testing/function-process.ts";

/** Starts the echo function with PORT=0 and resolves with its URL once it reports its port. */
const startEcho = (env: Record<string, string>) => startFunction("echo", env);

describe("functions/echo", () => {
  it("echoes POST / at once with the GIRAFF headers and counts arrivals", async () => {
    const { url } = await startEcho({ NAME: "fogfn-7", ID: "7" });
    const answer = await request(`${url}/`, {
      method: "POST",
      body: '{"text":"hi"}',
      headers: { "content-type": "application/json" },
      timeoutMs: 5_000,
    });
    expect(answer.status).toBe(200);
    expect(answer.text()).toBe('{"text":"hi"}');
    expect(answer.headers).toMatchObject({
      "content-type": "application/json",
      "giraff-tags": "fogfn-7",
      "giraff-sla-id": "7",
    });
    expect(answer.headers["giraff-redirect"]).toBeUndefined();
    expect((await request(`${url}/`, { method: "POST", timeoutMs: 5_000 })).body.length).toBe(0);
    expect((await request(`${url}/stats`, { timeoutMs: 5_000 })).json()).toEqual({
      arrivals: 2,
      nextFunctionUrl: null,
    });
  });

  it("uses placeholders when NAME and ID are missing, on every route", async () => {
    const { url } = await startEcho({});
    for (const answer of [
      await request(`${url}/health`, { timeoutMs: 5_000 }),
      await request(`${url}/nowhere`, { timeoutMs: 5_000 }),
    ]) {
      expect(answer.headers["giraff-tags"]).toBe("<no-tags>");
      expect(answer.headers["giraff-sla-id"]).toBe("<no-sla-id>");
    }
    expect((await request(`${url}/health`, { timeoutMs: 5_000 })).status).toBe(200);
  });

  it("validates /reconfigure and then announces the next hop and its proxy", async () => {
    const { url } = await startEcho({ NAME: "a", ID: "1", PROXY_PORT: "4128" });
    for (const body of [
      "not json",
      {},
      { nextFunctionUrl: 3 },
      { nextFunctionUrl: "/relative" },
      { nextFunctionUrl: "ftp://h/x" },
    ]) {
      const refused = await request(`${url}/reconfigure`, { method: "POST", body, timeoutMs: 5_000 });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.text()).toMatch(/nextFunctionUrl/);
    }
    const next = "http://10.0.0.2:31112/function/fogfn-2";
    const ok = await request(`${url}/reconfigure`, {
      method: "POST",
      body: { nextFunctionUrl: next },
      timeoutMs: 5_000,
    });
    expect(ok.status).toBe(200);
    const answer = await request(`${url}/`, { method: "POST", body: "x", timeoutMs: 5_000 });
    expect(answer.headers["giraff-redirect"]).toBe(next);
    expect(answer.headers["giraff-redirect-proxy"]).toBe("http://10.0.0.2:4128/");
  });

  it("exits cleanly on SIGTERM", async () => {
    const { child } = await startEcho({});
    child.kill("SIGTERM");
    const { exitCode: code, signal = null } = await child;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
