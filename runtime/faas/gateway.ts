/**
 * The embedded FaaS gateway of the local testbed. It speaks the subset of the OpenFaaS gateway API that a fog node
 * uses, so the node's code is the same here and on Grid'5000, and runs each function as a real child process, or
 * in dense mode as an instance in its image's host process (see README.md for the flow).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startJsonServer, type JsonRequest, type JsonResponse, type Route } from "../http/server.ts";
import { ProtocolError, isRemoteError } from "../protocol/errors.ts";
import { parseWith } from "../protocol/validate.ts";
import { deleteRequestSchema, deploymentSchema } from "./deployment-schema.ts";
import { FunctionHostPool } from "./function-host-pool.ts";
import {
  FunctionRegistry,
  type DeployedFunction,
  type FunctionMode,
  type GatewayFunctionStatus,
} from "./function-registry.ts";
import { forward } from "./proxy.ts";
import { randomSecret, sameSecret } from "../util/secrets.ts";

export interface GatewayOptions {
  host: string;
  /** 0 for an ephemeral port. */
  port: number;
  /** Folder holding one sub-folder per function (`functions/echo/index.ts`). */
  functionsDir: string;
  /** When set, each function's output is appended to `<logsDir>/<name>.log`. */
  logsDir?: string | undefined;
  /** Added to every function's environment (the deployment's `envVars` win). */
  env?: Record<string, string> | undefined;
  /**
   * The basic-auth credentials `/system/*` requires, as OpenFaaS's do; by default user `admin` and a random password
   * for this start (`RunningGateway.auth`), as OpenFaaS generates its `basic-auth` secret at install.
   */
  auth?: GatewayAuth | undefined;
  /** A function that has not reported its port by then is failed (default 60 s: tsx on a loaded machine). */
  startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL (default 5 s). */
  stopGraceMs?: number;
  /** Timeout of a proxied invocation (default 120 s). */
  invokeTimeoutMs?: number;
  /** Timeout of the proxied `/health` call (default 10 s). */
  healthTimeoutMs?: number;
  /** Directory from which `node --import tsx` runs (default: this repository's root). */
  repoRoot?: string;
  /**
   * `process` (default): each function is a process of its own. `dense`: each is an instance in the host process
   * of its image (README.md, "Dense mode"), from `functionHosts` (shared by the gateways of a worker) or from a
   * pool of this gateway's own, closed with it.
   */
  functionMode?: FunctionMode;
  functionHosts?: FunctionHostPool | undefined;
  onServerError?: (err: unknown, req: { method: string; path: string }) => void;
}

export interface GatewayAuth {
  username: string;
  password: string;
}

export interface RunningGateway {
  url: string;
  host: string;
  port: number;
  /** What `/system/*` requires; the node's `OpenFaasClient` sends it. */
  auth: GatewayAuth;
  /** The deployed functions, as `GET /system/functions` lists them. */
  list(): GatewayFunctionStatus[];
  /** Stops every function (and waits for their exit), then the server. */
  close(): Promise<void>;
}

/** Registries of the gateways of this process that are still open; one exit handler kills their functions. */
const liveRegistries = new Set<FunctionRegistry>();
process.on("exit", () => {
  for (const registry of liveRegistries) registry.killAllSync();
});

/** `/system` bodies are small JSON documents; invocations may carry media (GIRAFF's audio and images). */
export const SYSTEM_BODY_LIMIT = 1 << 20;
export const INVOCATION_BODY_LIMIT = 16 << 20;

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const dense = opts.functionMode === "dense";
  const ownHosts =
    dense && opts.functionHosts === undefined
      ? new FunctionHostPool({
          repoRoot: opts.repoRoot ?? REPO_ROOT,
          readablePaths: [resolve(opts.functionsDir)],
          logsDir: opts.logsDir === undefined ? undefined : resolve(opts.logsDir),
          startTimeoutMs: opts.startTimeoutMs,
          stopGraceMs: opts.stopGraceMs,
        })
      : undefined;
  const hosts = opts.functionHosts ?? ownHosts;
  const registry = new FunctionRegistry({
    mode: opts.functionMode ?? "process",
    hosts,
    functionsDir: resolve(opts.functionsDir),
    repoRoot: opts.repoRoot ?? REPO_ROOT,
    logsDir: opts.logsDir === undefined ? undefined : resolve(opts.logsDir),
    env: opts.env,
    startTimeoutMs: opts.startTimeoutMs ?? 60_000,
    stopGraceMs: opts.stopGraceMs ?? 5_000,
  });
  const invokeTimeoutMs = opts.invokeTimeoutMs ?? 120_000;
  const healthTimeoutMs = opts.healthTimeoutMs ?? 10_000;
  const auth = opts.auth ?? { username: "admin", password: randomSecret() };
  // `/system/*` manages every owner's functions: only the gateway's holder may call it. `/function/*` stays public,
  // as in OpenFaaS: GIRAFF's clients, IoT sources and chained functions call it without credentials, and a function's
  // name (`fogfn-<SLA id>`) is known only to whoever holds the SLA's id.
  const system =
    (handler: (req: JsonRequest) => Promise<JsonResponse> | JsonResponse) =>
    (req: JsonRequest): Promise<JsonResponse> | JsonResponse =>
      isAuthorised(req, auth) ? handler(req) : unauthorised();

  const health = async (req: JsonRequest): Promise<JsonResponse> => {
    const target = reachable(registry.get(req.params["name"]!), req.params["name"]!);
    if (!("url" in target)) return target;
    try {
      return await forward(target.url, "/health", req, healthTimeoutMs);
    } catch (err) {
      if (!isRemoteError(err)) throw err;
      return {
        status: 503,
        json: { error: { message: `Function \`${req.params["name"]}\` is not healthy: ${err.message}` } },
      };
    }
  };
  const invoke = async (req: JsonRequest): Promise<JsonResponse> => {
    const fn = registry.get(req.params["name"]!);
    const target = reachable(fn, req.params["name"]!);
    if (!("url" in target)) return target;
    fn!.invocationCount += 1;
    return forward(target.url, `/${req.params["*"] ?? ""}`, req, invokeTimeoutMs);
  };

  const routes: Route[] = [
    { method: "GET", path: "/healthz", handler: () => ({ text: "OK" }) },
    { method: "GET", path: "/system/functions", handler: system(() => ({ json: registry.list() })) },
    {
      method: "GET",
      path: "/system/function/:name",
      handler: system((req) => {
        const found = registry.list().find((f) => f.name === req.params["name"]);
        return found === undefined ? notFound(req.params["name"]!) : { json: found };
      }),
    },
    {
      method: "POST",
      path: "/system/functions",
      raw: true,
      handler: system(async (req) => {
        await registry.deploy(parseWith(deploymentSchema, systemBody(req)));
        return { status: 202 };
      }),
    },
    {
      method: "PUT",
      path: "/system/functions",
      raw: true,
      handler: system(async (req) => {
        await registry.update(parseWith(deploymentSchema, systemBody(req)));
        return { status: 202 };
      }),
    },
    {
      method: "DELETE",
      path: "/system/functions",
      raw: true,
      handler: system(async (req) => {
        await registry.remove(parseWith(deleteRequestSchema, systemBody(req)).functionName);
        return { status: 200 };
      }),
    },
    { method: "GET", path: "/function/:name/health", raw: true, handler: health },
    ...METHODS.flatMap((method): Route[] => [
      { method, path: "/function/:name", raw: true, handler: invoke },
      { method, path: "/function/:name/*", raw: true, handler: invoke },
    ]),
  ];

  const server = await startJsonServer({
    host: opts.host,
    port: opts.port,
    routes,
    bodyLimit: INVOCATION_BODY_LIMIT,
    ...(opts.onServerError === undefined ? {} : { onServerError: opts.onServerError }),
  });
  // If the gateway's process dies without close(), its functions must not outlive it.
  liveRegistries.add(registry);

  return {
    url: server.url,
    host: server.host,
    port: server.port,
    auth,
    list: () => registry.list(),
    close: async () => {
      await registry.close();
      await ownHosts?.close();
      liveRegistries.delete(registry);
      await server.close();
    },
  };
}

/** The function's base URL when it can take a request, else the answer to give: 404, 503 starting, 500 failed. */
function reachable(fn: DeployedFunction | undefined, name: string): { url: string } | JsonResponse {
  if (fn === undefined) return notFound(name);
  const p = fn.process;
  if (p.url !== undefined) return { url: p.url };
  if (p.status === "failed")
    return { status: 500, json: { error: { message: p.failure ?? `Function \`${name}\` failed.` } } };
  return {
    status: 503,
    headers: { "retry-after": "1" },
    json: { error: { message: `Function \`${name}\` is ${p.status}.` } },
  };
}

function notFound(name: string): JsonResponse {
  return { status: 404, json: { error: { message: `No function named \`${name}\` is deployed.` } } };
}

/** The JSON body of a `/system` call, held to the smaller `/system` limit. */
function systemBody(req: JsonRequest): unknown {
  if (req.rawBody.length > SYSTEM_BODY_LIMIT) {
    throw new ProtocolError({
      field: "",
      rule: `a body of at most ${SYSTEM_BODY_LIMIT} bytes`,
      value: `${req.rawBody.length} bytes`,
      status: 413,
    });
  }
  const text = req.rawBody.toString("utf8");
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch (cause) {
    throw new ProtocolError({ field: "", rule: "valid JSON", value: text.slice(0, 80), cause });
  }
}

/** True for `Authorization: Basic <base64 of user:password>` with the gateway's credentials (compared in constant time). */
function isAuthorised(req: JsonRequest, auth: GatewayAuth): boolean {
  const basic = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(req.headers["authorization"]?.trim() ?? "");
  if (basic === null) return false;
  const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  // both compared, so the time taken does not tell a right user name from a wrong one
  const user = sameSecret(decoded.slice(0, colon), auth.username);
  const password = sameSecret(decoded.slice(colon + 1), auth.password);
  return user && password;
}

/** OpenFaaS's answer to missing or wrong credentials (`faas-provider` `auth/basic_auth.go`), with our JSON error. */
function unauthorised(): JsonResponse {
  return {
    status: 401,
    headers: { "www-authenticate": 'Basic realm="Restricted"' },
    json: {
      error: {
        message:
          "Expected `authorization` to carry the gateway's basic-auth credentials (user `admin` and the password " +
          "printed at launch): /system/* manages every function on this node.",
        field: "authorization",
        rule: "Basic <base64 of admin:password>",
      },
    },
  };
}
