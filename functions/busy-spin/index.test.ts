// The busy-spin function as a real process on loopback: the function contract, requested and drawn executions.
import { describe, expect, it } from "vitest";
import { request } from "../../runtime/http/client.ts";
import { waitUntil } from "../../runtime/testing/wait.ts";
import { itHonoursTheContract, post, startFunction } from "../lib/testing/function-process.ts";

const JSON_TYPE = { "content-type": "application/json" };

async function stats(url: string): Promise<{ requests: number; running: number }> {
  return (await request(`${url}/stats`, { timeoutMs: 10_000 })).json() as { requests: number; running: number };
}

describe("functions/busy-spin", () => {
  itHonoursTheContract("busy-spin", {
    valid: { body: { executionMs: 5 } },
    malformed: [
      { name: "negative", body: { executionMs: -1 }, field: "executionMs" },
      { name: "string", body: { executionMs: "200" }, field: "executionMs" },
      { name: "too long", body: { executionMs: 1e9 }, field: "executionMs" },
      { name: "not JSON", body: "{oops", headers: JSON_TYPE, field: "body" },
      { name: "array", body: "[1]", headers: JSON_TYPE, field: "body" },
    ],
  });

  it("burns at least the requested 200 ms of wall time", async () => {
    const { url } = await startFunction("busy-spin");
    const started = performance.now();
    const answer = await post(`${url}/`, { executionMs: 200 });
    const wallMs = performance.now() - started;
    expect(answer.status).toBe(200);
    expect(wallMs).toBeGreaterThanOrEqual(200);
    const report = answer.json() as { source: string; plannedMs: number; actualMs: number; busyMs: number };
    expect(report).toMatchObject({ source: "request", plannedMs: 200 });
    expect(report.actualMs).toBeGreaterThanOrEqual(200);
    expect(report.busyMs).toBeGreaterThanOrEqual(200);
  });

  it("answers /health while a long execution burns", async () => {
    const { url } = await startFunction("busy-spin");
    let finished = false;
    const pending = post(`${url}/`, { executionMs: 2_000 }).then((answer) => ((finished = true), answer));
    // Wait until the burn has started, then probe: the burn yields between slices, so health answers before it ends.
    await waitUntil("the burn to start", async () => ((await stats(url)).running === 1 ? true : undefined));
    expect((await request(`${url}/health`, { timeoutMs: 10_000 })).status).toBe(200);
    expect(finished).toBe(false);
    expect((await pending).status).toBe(200);
  });

  it("draws from the law when the body does not ask, capped by MAX_EXECUTION_MS, reproducibly per SEED", async () => {
    const env = { SEED: "replay", MAX_EXECUTION_MS: "50", EXECUTION_SCALE: "0.1" };
    const plans: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const { url } = await startFunction("busy-spin", env);
      const plan: number[] = [];
      for (const body of ["raw bytes", undefined, { tag: "ping" }]) {
        const answer = await post(`${url}/`, body);
        expect(answer.status).toBe(200);
        const report = answer.json() as { source: string; plannedMs: number; drawnMs: number; capped: boolean };
        expect(report.source).toBe("law");
        expect(report.plannedMs).toBe(Math.min(report.drawnMs, 50));
        expect(report.capped).toBe(report.drawnMs > 50);
        plan.push(report.drawnMs);
      }
      plans.push(plan);
    }
    expect(plans[1]).toEqual(plans[0]);
  });

  it("answers REPLY_TEXT as `text`, so a speech-to-text stand-in feeds the sentiment function", async () => {
    const { url } = await startFunction("busy-spin", { REPLY_TEXT: "a calm and pleasant morning" });
    const answer = await post(`${url}/`, { executionMs: 1 });
    expect(answer.json()).toMatchObject({ source: "request", text: "a calm and pleasant morning" });
    const plain = await startFunction("busy-spin");
    expect((await post(`${plain.url}/`, { executionMs: 1 })).json()).not.toHaveProperty("text");
  });

  it("refuses to start on a bad configuration, naming the variable", async () => {
    await expect(startFunction("busy-spin", { EXECUTION_LAW: "weibull" })).rejects.toThrow(/exited before listening/);
  });
});
