/**
 * A FAKE Grid'5000 API (grid5000.md §6.2) on an ephemeral loopback port, for tests and local development: the
 * routes the client uses, for several sites (nancy and rennes by default, each with its own clusters, network,
 * OAR and kadeploy), OAR's job life cycle and kadeploy's on a {@link VirtualClock}, OAR's admission rules, both
 * auth modes, fault injection and a request log. It is a fake of the public contract, not the real service. Like
 * the real API it speaks HTTPS only, with a certificate from a throwaway CA (tls.ts) that clients must be told to
 * trust.
 */
import type { AddressInfo, Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { JsonRequest, JsonResponse } from "../../../../runtime/http/server.ts";
import { startJsonServer, type RunningServer } from "../../../../runtime/http/server.ts";
import { withLoopback, type LoopbackMap } from "./addresses.ts";
import type { AdmissionOptions } from "./admission.ts";
import { identify, UNAUTHORIZED_HEADERS, type FakeAuth } from "./auth.ts";
import { VirtualClock } from "./clock.ts";
import { DeploymentStore } from "./deployments.ts";
import { Faults } from "./faults.ts";
import { DEFAULT_SITES, type FakeSite } from "./fixtures.ts";
import { FakeHttpError } from "./http-error.ts";
import { DEFAULT_TIMING, JobStore, type FakeTiming } from "./jobs.ts";
import type { FakeHandler } from "./respond.ts";
import { fakeRoutes, type StorageRule } from "./routes.ts";
import type { SiteState } from "./site-state.ts";
import { fakeTls, type FakeTls } from "./tls.ts";

export interface FakeGrid5000Options {
  auth?: FakeAuth;
  clock?: VirtualClock;
  /** The sites served, with their real networks; default: nancy and rennes. */
  sites?: readonly FakeSite[];
  /**
   * Sites whose /14 is moved onto loopback, e.g. `{ nancy: "127.140.0.0/14" }`: their subnets and gateway are
   * reported there, so a test can serve a reserved /22's addresses with real processes on this machine.
   */
  loopback?: LoopbackMap;
  timing?: Partial<FakeTiming>;
  /** OAR admission: whether `project` is required, and each user's projects. */
  admission?: AdmissionOptions;
  /** Virtual seconds a deployment takes. */
  deploymentS?: number;
  /** The certificate to serve; default: this process's throwaway CA and certificate ({@link fakeTls}). */
  tls?: FakeTls;
}

/** One request as the fake saw it; `user` is the identity it resolved, never the credentials. */
export interface LoggedRequest {
  method: string;
  /** Without `/stable`. */
  path: string;
  query: string;
  user: string | undefined;
  body: unknown;
  status: number | "hung";
  atMs: number;
}

export interface FakeGrid5000 {
  /** The base URL to give the client: `https://127.0.0.1:<port>/stable`. */
  baseUrl: string;
  /** The CA that signed the fake's certificate, as PEM text (a client's `ca`). */
  ca: string;
  /** The same CA as a file: `NODE_EXTRA_CA_CERTS` for a child process, or `G5K_API_CA`. */
  caPath: string;
  clock: VirtualClock;
  faults: Faults;
  /** The sites as served (after `loopback`). */
  sites: FakeSite[];
  /** One site's jobs, deployments and storage rules; throws for a site the fake does not serve. */
  site(uid: string): SiteState;
  /** The first site's (nancy's by default) jobs, deployments and storage rules. */
  jobs: JobStore;
  deployments: DeploymentStore;
  storage: Map<string, StorageRule>;
  /** Requests that reached a route, in arrival order. */
  requests: LoggedRequest[];
  /** Every HTTP request the server received, routed or not. */
  rawRequestCount(): number;
  /** Client effects on the virtual clock: `sleep` advances it instead of waiting. */
  virtualTime: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
  close(): Promise<void>;
}

export const DEFAULT_FAKE_AUTH: FakeAuth = { mode: "outside", users: { alice: "s3cret-Pa55" } };

export async function startFakeGrid5000(options: FakeGrid5000Options = {}): Promise<FakeGrid5000> {
  const auth = options.auth ?? DEFAULT_FAKE_AUTH;
  const clock = options.clock ?? new VirtualClock();
  const sites = withLoopback(options.sites ?? DEFAULT_SITES, options.loopback);
  if (sites.length === 0) throw new Error("Expected `sites` to hold at least one site, got none.");
  const faults = new Faults();
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const states = new Map<string, SiteState>();
  // each site runs its own OAR: job ids are per site, as on the platform (apart by 100000 so they never collide)
  sites.forEach((site, i) => {
    const jobs = new JobStore(site, timing, faults, options.admission, 4242 + i * 100_000);
    const deployments = new DeploymentStore(site, jobs, faults, options.deploymentS);
    clock.watch(jobs);
    clock.watch(deployments);
    states.set(site.uid, { site, jobs, deployments, storage: new Map() });
  });
  const first = states.get(sites[0]!.uid)!;
  const requests: LoggedRequest[] = [];

  const wrap =
    (handler: FakeHandler) =>
    async (req: JsonRequest): Promise<JsonResponse> => {
      const entry: LoggedRequest = {
        method: req.method,
        path: req.path.replace(/^\/stable/, ""),
        query: req.query.toString(),
        user: undefined,
        body: req.body,
        status: 0,
        atMs: clock.now(),
      };
      requests.push(entry);
      const answer = answerFor(req, entry, handler);
      if (answer === "hang") {
        entry.status = "hung";
        return new Promise<never>(() => undefined);
      }
      entry.status = answer.status ?? 200;
      return answer;
    };

  function answerFor(req: JsonRequest, entry: LoggedRequest, handler: FakeHandler): JsonResponse | "hang" {
    try {
      entry.user = identify(auth, req.headers);
      clock.settle();
      const fault = faults.take(req.method, entry.path);
      if (fault?.kind === "fail" && !fault.afterEffect) return failure(fault.status);
      const answer = handler(req, entry.user, clock.nowS());
      clock.settle();
      if (fault?.kind === "fail") return failure(fault.status);
      if (fault?.kind === "hang") return "hang";
      return answer;
    } catch (err) {
      if (err instanceof FakeHttpError) {
        const headers: Record<string, string> = err.status === 401 ? { ...UNAUTHORIZED_HEADERS } : {};
        return { status: err.status, text: err.message, headers };
      }
      throw err;
    }
  }

  const server: RunningServer = await startJsonServer({
    host: "127.0.0.1",
    port: 0,
    routes: fakeRoutes(states).map((r) => ({
      method: r.method,
      path: r.path,
      handler: wrap(r.handler),
    })),
  });
  let raw = 0;
  server.server.on("request", () => raw++);
  // TLS in front of the JSON server: each verified connection is handed to its HTTP parser, as https.Server does;
  // its own plain-HTTP listener is closed, so the fake has no cleartext port at all.
  const material = options.tls ?? (await fakeTls());
  const sockets = new Set<Socket>();
  const front = createTlsServer({ key: material.key, cert: material.cert }, (socket) =>
    server.server.emit("connection", socket),
  );
  front.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    front.once("error", reject);
    front.listen(0, "127.0.0.1", () => resolve(front.address() as AddressInfo));
  });
  await new Promise<void>((resolve) => server.server.close(() => resolve()));
  return {
    baseUrl: `https://${address.address}:${address.port}/stable`,
    ca: material.ca,
    caPath: material.caPath,
    clock,
    faults,
    sites,
    site: (uid) => {
      const state = states.get(uid);
      if (state === undefined) throw new Error(`The fake serves ${[...states.keys()].join(", ")}, not ${uid}.`);
      return state;
    },
    jobs: first.jobs,
    deployments: first.deployments,
    storage: first.storage,
    requests,
    rawRequestCount: () => raw,
    virtualTime: {
      now: () => clock.now(),
      sleep: async (ms, signal) => {
        if (signal?.aborted) throw signal.reason;
        clock.advance(ms);
      },
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      server.server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function failure(status: number): JsonResponse {
  const reason: Record<number, string> = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return { status, text: `${status} ${reason[status] ?? "Error"}: the fake injected this failure.` };
}
