/**
 * GIRAFF's IoT emulator (`reference/giraff.md` §10; see README.md in this folder): a small JSON service that
 * starts, lists and stops jobs, each an open-loop Poisson stream of requests sent through the entry proxy of the
 * node the data source is attached to. It measures no latency itself (the proxies do); it records send failures.
 */
import type { EventSink } from "../events/writer.ts";
import { startJsonServer, type JsonResponse, type Route } from "../http/server.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { ForwardProxyAgents } from "../proxy/forward-agent.ts";
import { parseCronRequest } from "./cron-request.ts";
import { IotJob, type JobStatus } from "./job.ts";
import { loadMedia } from "./payloads.ts";

export interface IotEmulatorOptions {
  host: string;
  /** 0 for an ephemeral port (GIRAFF: 3003). */
  port: number;
  events: EventSink;
  /** Port of the entry proxies (GIRAFF: 3128). */
  proxyPort: number;
  /** Seeds every job's arrivals (with its functionId) and the synthetic media. */
  seed: number | string;
  /** Folders of `.wav` and `.jpg`/`.png` files; synthetic media when absent. */
  content?: { imageDir?: string | undefined; audioDir?: string | undefined };
  /** Bound on requests in flight over all jobs (default 1024); arrivals beyond it fail with `overflow`. */
  maxInFlight?: number;
  /** Timeout of each request (default 30 s; GIRAFF's `PING_REQUEST_TIMEOUT_SEC`). */
  requestTimeoutMs?: number;
  /** Epoch-ms clock for pings' `sentAt` and `startedAt` (default: the high-resolution wall clock). */
  now?: () => number;
}

export interface RunningIotEmulator {
  url: string;
  host: string;
  port: number;
  jobs(): JobStatus[];
  /** Stops every job, aborts requests in flight, closes the server. */
  close(): Promise<void>;
}

const wallClock = () => performance.timeOrigin + performance.now();

export async function startIotEmulator(opts: IotEmulatorOptions): Promise<RunningIotEmulator> {
  const seed = String(opts.seed);
  const media = loadMedia(seed, opts.content ?? {});
  const agents = new ForwardProxyAgents();
  const jobs = new Map<string, IotJob>();
  const maxInFlight = opts.maxInFlight ?? 1024;
  let inFlight = 0;
  const slots = {
    tryAcquire: () => (inFlight < maxInFlight ? (inFlight += 1) > 0 : false),
    release: () => void (inFlight -= 1),
  };

  const putCron = (body: unknown): JsonResponse => {
    const config = parseCronRequest(body);
    const existing = jobs.get(config.functionId);
    if (existing !== undefined && (existing.state === "waiting" || existing.state === "running")) {
      throw new ProtocolError({
        field: "functionId",
        rule: "the id of no running job (stop it first with `DELETE /api/cron/<functionId>`)",
        value: config.functionId,
        status: 409,
      });
    }
    const job = new IotJob(config, {
      events: opts.events,
      agent: agents.get(config.firstNodeIp, opts.proxyPort),
      media,
      seed,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      slots,
      now: opts.now ?? wallClock,
    });
    jobs.set(config.functionId, job);
    job.start();
    return { status: 200 };
  };
  const jobOr404 = (functionId: string): IotJob => {
    const job = jobs.get(functionId);
    if (job === undefined) {
      throw new ProtocolError({ field: "functionId", rule: "the id of a known job", value: functionId, status: 404 });
    }
    return job;
  };
  // GIRAFF answers 403 "wrong method, use PUT" to anything but PUT on /api/cron; so do we.
  const forbidden = (): JsonResponse => ({
    status: 403,
    json: { error: { message: "Wrong method on /api/cron: use PUT.", field: "method", rule: "PUT" } },
  });

  const routes: Route[] = [
    { method: "PUT", path: "/api/cron", handler: (req) => putCron(req.body) },
    ...["GET", "POST", "DELETE", "PATCH"].map((method): Route => ({ method, path: "/api/cron", handler: forbidden })),
    {
      method: "GET",
      path: "/api/jobs",
      handler: () => ({ json: { jobs: [...jobs.values()].map((j) => j.status()) } }),
    },
    {
      method: "GET",
      path: "/api/jobs/:functionId",
      handler: (req) => ({ json: jobOr404(req.params["functionId"]!).status() }),
    },
    {
      method: "DELETE",
      path: "/api/cron/:functionId",
      handler: (req) => {
        const job = jobOr404(req.params["functionId"]!);
        job.stop();
        return { json: job.status() };
      },
    },
    { method: "GET", path: "/api/health", handler: () => ({ text: "OK" }) },
  ];
  const server = await startJsonServer({ host: opts.host, port: opts.port, routes, bodyLimit: 64 * 1024 });
  return {
    url: server.url,
    host: server.host,
    port: server.port,
    jobs: () => [...jobs.values()].map((j) => j.status()),
    close: async () => {
      for (const job of jobs.values()) job.stop(true);
      await server.close();
      agents.destroy();
    },
  };
}
