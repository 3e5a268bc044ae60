/**
 * A small JSON HTTP server on `node:http`: a route table, a body-size limit, the edge's deadlines and connection cap
 * (`edge-limits.ts`), and one place that turns errors into answers. Everything taken from the request, the path's
 * decoding included, happens inside that place: bad input gets a 4xx whose JSON names the field and the rule; an
 * unexpected error gets a 500 with a sentence; nothing crashes the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ProtocolError, RemoteError } from "../protocol/errors.ts";
import { applyEdgeLimits, DEFAULT_EDGE_LIMITS, edgeServerOptions, type EdgeLimits } from "./edge-limits.ts";
import { readBody } from "./read-body.ts";

export interface JsonRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body, or undefined when the body is empty. */
  body: unknown;
  rawBody: Buffer;
}

export interface JsonResponse {
  status?: number;
  json?: unknown;
  text?: string;
  body?: Buffer;
  headers?: Record<string, string>;
}

export type Handler = (req: JsonRequest) => JsonResponse | Promise<JsonResponse>;

export interface Route {
  method: string;
  /** `/api/function/:slaId`; a trailing `*` matches the rest of the path into `params["*"]`. */
  path: string;
  handler: Handler;
  /** Skip JSON parsing: the handler reads `rawBody` (function invocations carry any payload). */
  raw?: boolean;
}

export interface JsonServerOptions {
  host: string;
  port: number;
  routes: Route[];
  /** Largest accepted body in bytes (GIRAFF's fog nodes accept 4096). */
  bodyLimit?: number;
  /** Deadlines and the connection cap (default {@link DEFAULT_EDGE_LIMITS}). */
  limits?: Partial<EdgeLimits>;
  /** Called for every 5xx, to log it. */
  onServerError?: (err: unknown, req: { method: string; path: string }) => void;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        names.push(part.slice(1));
        return "([^/]+)";
      }
      if (part === "*") {
        names.push("*");
        return "(.*)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

export async function startJsonServer(opts: JsonServerOptions): Promise<RunningServer> {
  const routes = opts.routes.map(compile);
  const bodyLimit = opts.bodyLimit ?? 1 << 20;
  const limits = { ...DEFAULT_EDGE_LIMITS, ...opts.limits };
  const server = createServer(edgeServerOptions(limits), (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      opts.onServerError?.(err, { method: req.method ?? "", path: cut(req.url ?? "") });
      if (!res.headersSent) send(res, { status: 500, json: { error: { message: "Internal error." } } });
      else res.destroy();
    });
  });
  applyEdgeLimits(server, limits);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    let path = cut(req.url ?? "/");
    try {
      const target = splitTarget(req.url ?? "/");
      path = target.path;
      const matched = match(routes, method, target.path);
      if (!("route" in matched)) {
        req.resume();
        return send(res, matched);
      }
      const rawBody = await readBody(req, { limit: bodyLimit, field: "" });
      let body: unknown;
      if (!matched.route.raw && rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody.toString("utf8"));
        } catch (cause) {
          throw new ProtocolError({ field: "", rule: "valid JSON", value: rawBody.toString("utf8", 0, 80), cause });
        }
      }
      const answer = await matched.route.handler({
        method,
        path: target.path,
        params: matched.params,
        query: target.query,
        headers: req.headers,
        body,
        rawBody,
      });
      send(res, answer);
    } catch (err) {
      if (err instanceof ProtocolError) req.resume();
      else opts.onServerError?.(err, { method, path });
      return send(res, errorResponse(err));
    }
  }

  const address = await listen(server, opts.port, opts.host);
  return {
    url: `http://${address.address}:${address.port}`,
    host: address.address,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Splits a request-target into its path and query without `new URL`, which reads `//host` as an authority and
 * throws on `//[::1`. Only origin-form is served: anything else (absolute-form, `*`) is a 400.
 */
/**
 * What a handler's error answers: a ProtocolError its status (4xx) and body, a RemoteError (a peer failed) 502,
 * anything else 500, each with the error's message. In-process callers answer the same (`in-process/local-peers.ts`).
 */
export function errorResponse(err: unknown): { status: number; json: unknown } {
  if (err instanceof ProtocolError) return { status: err.status, json: err.toJSON() };
  const message = err instanceof Error ? err.message : String(err);
  return { status: err instanceof RemoteError ? 502 : 500, json: { error: { message } } };
}

export function splitTarget(rawTarget: string): { path: string; query: URLSearchParams } {
  if (!rawTarget.startsWith("/")) {
    throw new ProtocolError({
      field: "request-target",
      rule: "an origin-form path such as `/api/health`",
      value: rawTarget,
    });
  }
  const queryAt = rawTarget.indexOf("?");
  const path = queryAt === -1 ? rawTarget : rawTarget.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? "" : rawTarget.slice(queryAt + 1));
  return { path, query };
}

/** The route for `method` and `path` with its decoded parameters, or the 404 / 405 answer. */
function match(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | JsonResponse {
  let pathKnown = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (m === null) continue;
    pathKnown = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeParam(name, m[i + 1] ?? "")));
    return { route, params };
  }
  const shown = cut(path);
  if (pathKnown) {
    return { status: 405, json: { error: { message: `${cut(method)} is not allowed on ${shown}.` } } };
  }
  return { status: 404, json: { error: { message: `No route for ${shown}.` } } };
}

/** A percent-decoded path parameter; bad percent-encoding (`%zz`, a lone `%`, broken UTF-8) is a 400 naming it. */
function decodeParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (cause) {
    throw new ProtocolError({ field: name, rule: "a percent-encoded UTF-8 path segment", value: raw, cause });
  }
}

/** Paths and methods echoed in answers and logs are cut: the request line may be 16 KiB. */
function cut(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Starts `server` listening; resolves with its address, or rejects with the listen error (EADDRINUSE…). */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function send(res: ServerResponse, answer: JsonResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: Buffer | string = "";
  if (answer.body !== undefined) payload = answer.body;
  else if (answer.json !== undefined) {
    payload = JSON.stringify(answer.json);
    headers["content-type"] ??= "application/json";
  } else if (answer.text !== undefined) {
    payload = answer.text;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  }
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(answer.status ?? 200, headers);
  res.end(payload);
}
