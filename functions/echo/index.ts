/**
 * The echo function: GIRAFF's `fn_echo` with the function contract of `reference/giraff.md` §8, on plain `node:http`
 * so that it starts in a blink and stays small. See README.md in this folder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../../runtime/http/read-body.ts";
import type { ProtocolError } from "../../runtime/protocol/errors.ts";

const BODY_LIMIT = 16 << 20;
const proxyPort = /^\d{1,5}$/.test(process.env["PROXY_PORT"] ?? "") ? Number(process.env["PROXY_PORT"]) : 3128;
const tags = nonEmpty(process.env["NAME"]) ?? "<no-tags>";
const slaId = nonEmpty(process.env["ID"]) ?? "<no-sla-id>";

let arrivals = 0;
let nextFunctionUrl: URL | undefined;

const server = createServer((req, res) => {
  readBody(req, { limit: BODY_LIMIT }).then(
    (body) => route(req, res, body),
    (err: ProtocolError) => reply(res, err.status, json({ error: err.toJSON().error })),
  );
});

function route(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (req.method === "POST" && path === "/") {
    arrivals += 1;
    return reply(res, 200, { body, type: req.headers["content-type"] ?? "application/octet-stream" });
  }
  if (req.method === "POST" && path === "/reconfigure") return reconfigure(res, body);
  if (req.method === "GET" && path === "/health")
    return reply(res, 200, { body: Buffer.from("OK"), type: "text/plain" });
  if (req.method === "GET" && path === "/stats") {
    return reply(res, 200, json({ arrivals, nextFunctionUrl: nextFunctionUrl?.href ?? null }));
  }
  reply(res, 404, json({ error: { message: `No route for ${req.method} ${path}.` } }));
}

/** `POST /reconfigure {"nextFunctionUrl": "http://..."}`: the next hop of the chain, announced on every response. */
function reconfigure(res: ServerResponse, body: Buffer): void {
  const rule = "`nextFunctionUrl` must be an http(s) URL such as `http://10.0.0.2:31112/function/fogfn-<id>`";
  let candidate: unknown;
  try {
    candidate = (JSON.parse(body.toString("utf8")) as { nextFunctionUrl?: unknown } | null)?.nextFunctionUrl;
  } catch {
    return reply(res, 400, json({ error: { message: `The body must be JSON: ${rule}.`, field: "" } }));
  }
  const url = typeof candidate === "string" && URL.canParse(candidate) ? new URL(candidate) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return reply(
      res,
      400,
      json({ error: { message: `${rule}.`, field: "nextFunctionUrl", value: candidate ?? null } }),
    );
  }
  nextFunctionUrl = url;
  reply(res, 200, json({ nextFunctionUrl: url.href }));
}

function reply(res: ServerResponse, status: number, payload: { body: Buffer; type: string }): void {
  const headers: Record<string, string | number> = {
    "content-type": payload.type,
    "content-length": payload.body.length,
    "GIRAFF-TAGS": tags,
    "GIRAFF-SLA-ID": slaId,
  };
  if (nextFunctionUrl !== undefined) {
    headers["GIRAFF-Redirect"] = nextFunctionUrl.href;
    headers["GIRAFF-Redirect-Proxy"] = `http://${nextFunctionUrl.hostname}:${proxyPort}/`;
  }
  res.writeHead(status, headers);
  res.end(payload.body);
}

function json(value: unknown): { body: Buffer; type: string } {
  return { body: Buffer.from(JSON.stringify(value)), type: "application/json" };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

// GIRAFF's watchdog forwards to port 5000; PORT=0 asks for a free port, reported as a JSON line on stdout.
server.listen(Number(process.env["PORT"] ?? "5000"), process.env["HOST"] ?? "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
