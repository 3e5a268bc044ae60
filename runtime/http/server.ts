/**
 * A small JSON HTTP server on `node:http`: a route table, a body-size limit, and one place that turns errors into
 * answers. Bad input gets a 4xx whose JSON names the field and the rule; an unexpected error gets a 500 with a
 * sentence; nothing crashes the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ProtocolError, RemoteError } from "../protocol/errors.ts";

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
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      opts.onServerError?.(err, { method: req.method ?? "", path: req.url ?? "" });
      if (!res.headersSent) send(res, { status: 500, json: { error: { message: "Internal error." } } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 20_000;
  server.headersTimeout = 30_000;
  server.requestTimeout = 600_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    let matched: { route: CompiledRoute; params: Record<string, string> } | undefined;
    let pathKnown = false;
    for (const route of routes) {
      const m = route.regex.exec(url.pathname);
      if (m === null) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
      matched = { route, params };
      break;
    }
    if (matched === undefined) {
      req.resume();
      const status = pathKnown ? 405 : 404;
      const message = pathKnown ? `${method} is not allowed on ${url.pathname}.` : `No route for ${url.pathname}.`;
      return send(res, { status, json: { error: { message } } });
    }
    try {
      const rawBody = await readBody(req, bodyLimit);
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
        path: url.pathname,
        params: matched.params,
        query: url.searchParams,
        headers: req.headers,
        body,
        rawBody,
      });
      send(res, answer);
    } catch (err) {
      if (err instanceof ProtocolError) return send(res, { status: err.status, json: err.toJSON() });
      if (err instanceof RemoteError) {
        opts.onServerError?.(err, { method, path: url.pathname });
        return send(res, { status: 502, json: { error: { message: err.message } } });
      }
      opts.onServerError?.(err, { method, path: url.pathname });
      const message = err instanceof Error ? err.message : String(err);
      return send(res, { status: 500, json: { error: { message } } });
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

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      req.resume();
      reject(tooLarge(limit, declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(tooLarge(limit, size));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function tooLarge(limit: number, size: number): ProtocolError {
  return new ProtocolError({
    field: "",
    rule: `a body of at most ${limit} bytes`,
    value: `${size} bytes`,
    status: 413,
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
