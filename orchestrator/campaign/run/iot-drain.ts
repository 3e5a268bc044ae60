/**
 * Waits until the IoT emulator is quiet: every job's window has ended (`done` or `stopped`) and none of its
 * requests is still in flight. Collecting earlier cuts requests off, and the views would count them as SLA
 * violations that the network never caused.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "../../../runtime/http/client.ts";

interface JobView {
  state: string;
  inFlight: number;
}

export interface DrainResult {
  /** True when the emulator went quiet before the deadline. */
  quiet: boolean;
  waitedMs: number;
  /** Jobs still sending or with requests in flight when the wait ended. */
  busyJobs: number;
}

export async function waitForIotSources(
  iotUrl: string,
  opts: { timeoutMs: number; pollMs?: number; signal?: AbortSignal },
): Promise<DrainResult> {
  const started = performance.now();
  const pollMs = opts.pollMs ?? 250;
  if (iotUrl === "") return { quiet: true, waitedMs: 0, busyJobs: 0 };
  for (;;) {
    const answer = await request(`${iotUrl}/api/jobs`, {
      timeoutMs: 10_000,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const { jobs } = answer.json() as { jobs: JobView[] };
    const busyJobs = jobs.filter((j) => j.state === "waiting" || j.state === "running" || j.inFlight > 0).length;
    const waitedMs = performance.now() - started;
    if (busyJobs === 0) return { quiet: true, waitedMs, busyJobs };
    if (waitedMs >= opts.timeoutMs) return { quiet: false, waitedMs, busyJobs };
    await sleep(pollMs, undefined, opts.signal === undefined ? {} : { signal: opts.signal });
  }
}
