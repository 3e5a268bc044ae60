/**
 * `iot-rate`: can the IoT emulator sustain ≥ 2000 pings/s through a one-hop chain? The emulator runs in this
 * process; the node (its proxy, `proxy-node.ts`, and a bare function server, `http-echo.ts`) runs in two child
 * processes on one node address. Several jobs (a job's `intervalMs` is ≥ 1 ms, as in GIRAFF) share the requested
 * rate; each request goes entry proxy → the node's proxy (the same one) → function. Reports requested against
 * achieved rates (sent, and answered 200), failures and overflows.
 */
import { memoryEventSink } from "../runtime/events/writer.ts";
import { startIotEmulator } from "../runtime/iot/emulator.ts";
import { request } from "../runtime/http/client.ts";
import { waitUntil } from "../runtime/testing/wait.ts";
import { histogram, round, target, type Benchmark } from "./common.ts";
import { startProxiedFunction } from "./proxied-function.ts";

const REQUESTED_PER_S = 2400;
const JOBS = 4;

export const iotRate: Benchmark = {
  name: "iot-rate",
  subnet: "127.206",
  async run(ctx) {
    const node = `${ctx.subnet}.0.2`;
    const durationMs = ctx.quick ? 3_000 : 10_000;
    const intervalMs = (1000 * JOBS) / REQUESTED_PER_S;
    const { functionPort, proxyPort, stop } = await startProxiedFunction(node, 0);
    const events = memoryEventSink({ run: "bench", source: "iot" });
    const iot = await startIotEmulator({
      host: `${ctx.subnet}.0.1`,
      port: 0,
      events,
      proxyPort,
      seed: ctx.seed,
      maxInFlight: 1024,
      requestTimeoutMs: 10_000,
    });
    try {
      ctx.progress(`${JOBS} jobs × ${round(1000 / intervalMs)}/s of ping for ${durationMs} ms`);
      for (let j = 0; j < JOBS; j++) {
        const answer = await request(`${iot.url}/api/cron`, {
          method: "PUT",
          timeoutMs: 5_000,
          body: {
            functionId: `bench-${j}`,
            nodeUrl: `http://${node}:${functionPort}/function/fogfn-bench-${j}`,
            tags: `bench-${j}`,
            initialWaitMs: 0,
            intervalMs,
            durationMs,
            firstNodeIp: node,
            content: "ping",
          },
        });
        if (answer.status !== 200) throw new Error(`PUT /api/cron answered ${answer.status}: ${answer.text()}`);
      }
      const jobs = await waitUntil(
        "every job to finish",
        () => {
          const all = iot.jobs();
          return all.every((j) => j.state === "done" && j.inFlight === 0) && all;
        },
        { timeoutMs: durationMs + 30_000, intervalMs: 100 },
      );
      const sum = (key: "sent" | "ok" | "failed" | "overflow" | "non2xx" | "scheduled") =>
        jobs.reduce((s, j) => s + j[key], 0);
      const achieved = jobs.reduce((s, j) => s + (j.achievedRatePerS ?? 0), 0);
      const okPerS = (sum("ok") * 1000) / durationMs;
      return {
        params: { jobs: JOBS, intervalMs: round(intervalMs), durationMs, content: "ping", maxInFlight: 1024 },
        figures: {
          requestedRatePerS: REQUESTED_PER_S,
          achievedRatePerS: round(achieved, 1),
          okRatePerS: round(okPerS, 1),
          sent: sum("sent"),
          ok: sum("ok"),
          failed: sum("failed"),
          overflow: sum("overflow"),
          non2xx: sum("non2xx"),
        },
        targets: [target("okRatePerS", ">=", 2000, "req/s", round(okPerS, 1))],
        details: {
          perJob: jobs.map((j) => ({
            functionId: j.functionId,
            sent: j.sent,
            ok: j.ok,
            achievedRatePerS: j.achievedRatePerS,
          })),
          failureReasons: histogram(events.events.flatMap((e) => (e.kind === "send_failure" ? [e.reason] : []))),
        },
      };
    } finally {
      await iot.close();
      stop();
    }
  },
};
