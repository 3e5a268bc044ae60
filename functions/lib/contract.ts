/**
 * GIRAFF's function contract (`reference/giraff.md` §8) shared by the functions that do real work: `POST /` runs the
 * handler, `POST /reconfigure` sets the next hop of a chain, `GET /health` answers 200, every response carries
 * `GIRAFF-TAGS` / `GIRAFF-SLA-ID` (and `GIRAFF-Redirect` / `GIRAFF-Redirect-Proxy` once reconfigured), and SIGTERM
 * exits 0. `contractListener` is the contract for one instance (a dense host serves many in one process, each with
 * its own environment object); `serveFunction` serves one on its own port, as a function process. Few imports, so
 * that a function starts fast (every provisioning starts a process): `node:*` and the runtime's body reader
 * (raw-body, about 6 MB of a function process's RSS).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../../runtime/http/read-body.ts";
import type { ProtocolError } from "../../runtime/protocol/errors.ts";
import { RequestError, json, type Reply } from "./reply.ts";

/** What a handler sees of a `POST /`. */
export interface FunctionRequest {
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: Buffer;
}

export type Handler = (request: FunctionRequest) => Promise<Reply> | Reply;

/** The environment a function reads its configuration from: `process.env` standalone, its own object when dense. */
export type FunctionEnv = Readonly<Record<string, string | undefined>>;

/** What the contract keeps for an instance: the next hop once `/reconfigure`d. */
export interface ContractState {
  readonly next: URL | undefined;
}

export interface ServeOptions {
  /** Runs `POST /`. Throw {@link RequestError} for a 4xx that names the field and the rule. */
  handle: Handler;
  /** Largest body accepted, in bytes (413 above). Default 16 MiB, the gateway's proxy limit. */
  bodyLimit?: number;
  /** Extra `GET` routes (for example `/stats`), answered with the GIRAFF headers too. */
  routes?: Record<string, (state: ContractState) => Reply>;
}

/**
 * How a function that burns CPU in slices shares it: `beforeSlice` resolves when the instance may burn its next
 * slice (a dense host delays it to hold the instance to its CPU limit, and rejects once the instance is removed),
 * `afterSlice` reports the busy time spent. Standalone, there is no gate: the process's cgroup or the OS shares the CPU.
 */
export interface CpuGate {
  beforeSlice(): Promise<void> | void;
  afterSlice(busyMs: number): void;
}

/** What a host gives a function besides its environment. */
export interface FunctionContext {
  cpu?: CpuGate | undefined;
}

/**
 * What each function's `handler.ts` exports as `createFunction`: its handler and routes, configured ONLY from `env`
 * (never `process.env`), so that a dense host can run many instances of it in one process, each with its own
 * environment object. Throws (with a message naming the variable) on a bad configuration.
 */
export type FunctionFactory = (env: FunctionEnv, context?: FunctionContext) => ServeOptions;

/**
 * The contract around `options` for one instance: a `(req, res)` listener that reads the body (up to the limit), runs
 * the handler or the contract's own routes, and answers with the GIRAFF headers of `env`. A handler that throws
 * something other than a {@link RequestError} gets a 500 for that request and `onError` the stack (stderr by default).
 */
export function contractListener(
  options: ServeOptions,
  env: FunctionEnv,
  onError: (text: string) => void = (text) => process.stderr.write(text),
): (req: IncomingMessage, res: ServerResponse) => void {
  const bodyLimit = options.bodyLimit ?? 16 << 20;
  const proxyPort = /^\d{1,5}$/.test(env["PROXY_PORT"] ?? "") ? Number(env["PROXY_PORT"]) : 3128;
  const identity = { tags: nonEmpty(env["NAME"]) ?? "<no-tags>", slaId: nonEmpty(env["ID"]) ?? "<no-sla-id>" };
  const state: { next: URL | undefined } = { next: undefined };

  const send = (res: ServerResponse, reply: Reply) => {
    if (res.destroyed) return;
    const headers: Record<string, string | number> = {
      ...reply.headers,
      "content-type": reply.type,
      "content-length": reply.body.length,
      "GIRAFF-TAGS": identity.tags,
      "GIRAFF-SLA-ID": identity.slaId,
    };
    if (state.next !== undefined) {
      headers["GIRAFF-Redirect"] = state.next.href;
      headers["GIRAFF-Redirect-Proxy"] = `http://${state.next.hostname}:${proxyPort}/`;
    }
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const route = async (req: IncomingMessage, body: Buffer): Promise<Reply> => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "POST" && url.pathname === "/") {
      return options.handle({ headers: req.headers, query: url.searchParams, body });
    }
    if (req.method === "POST" && url.pathname === "/reconfigure") {
      state.next = parseNextFunctionUrl(body);
      return json(200, { nextFunctionUrl: state.next.href });
    }
    if (req.method === "GET" && url.pathname === "/health") {
      return { status: 200, body: Buffer.from("OK"), type: "text/plain" };
    }
    const extra = req.method === "GET" ? options.routes?.[url.pathname] : undefined;
    if (extra !== undefined) return extra(state);
    return json(404, { error: { message: `No route for ${req.method} ${url.pathname}.` } });
  };

  return (req, res) => {
    readBody(req, { limit: bodyLimit })
      .catch((err: ProtocolError) => {
        throw new RequestError({ field: err.field, message: err.message, status: err.status });
      })
      .then((body) => route(req, body))
      .catch((err: unknown) => errorReply(err, onError))
      .then((reply) => send(res, reply));
  };
}

/** Starts the function's HTTP server on `PORT` / `HOST` and prints `{"listening": port}` once bound. */
export function serveFunction(options: ServeOptions, env: FunctionEnv = process.env): Server {
  const server = createServer(contractListener(options, env));
  // GIRAFF's watchdog forwards to port 5000; PORT=0 asks for a free port, reported as a JSON line on stdout.
  server.listen(Number(env["PORT"] ?? "5000"), env["HOST"] ?? "127.0.0.1", () => {
    process.stdout.write(`${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`);
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
  return server;
}

/**
 * The standalone entry of a function (`index.ts`): `createFunction(process.env)`, served; a bad configuration stops
 * the process with code 2 and the message on stderr, before it reports a port, so the gateway marks it failed.
 */
export function serveStandalone(name: string, createFunction: FunctionFactory): Server | undefined {
  let options: ServeOptions;
  try {
    options = createFunction(process.env);
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  return serveFunction(options);
}

/** `{"nextFunctionUrl": "http://…"}` → the URL; a 400 naming `nextFunctionUrl` otherwise. */
export function parseNextFunctionUrl(body: Buffer): URL {
  const rule = "`nextFunctionUrl` must be an http(s) URL such as `http://10.0.0.2:31112/function/fogfn-<id>`";
  let candidate: unknown;
  try {
    candidate = (JSON.parse(body.toString("utf8")) as { nextFunctionUrl?: unknown } | null)?.nextFunctionUrl;
  } catch {
    throw new RequestError({ field: "nextFunctionUrl", message: `The body must be JSON: ${rule}.` });
  }
  const url = typeof candidate === "string" && URL.canParse(candidate) ? new URL(candidate) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new RequestError({ field: "nextFunctionUrl", message: `${rule}.`, value: candidate ?? null });
  }
  return url;
}

/** A {@link RequestError} becomes its 4xx; anything else is a 500 that names the failure, and the server goes on. */
function errorReply(err: unknown, onError: (text: string) => void): Reply {
  if (err instanceof RequestError) return json(err.status, { error: err.toJSON() });
  const message = err instanceof Error ? err.message : String(err);
  onError(`function error: ${err instanceof Error ? (err.stack ?? message) : message}\n`);
  return json(500, { error: { message: `The function failed: ${message}` } });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
