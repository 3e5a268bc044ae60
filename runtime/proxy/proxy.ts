/**
 * GIRAFF's per-node chaining proxy (`reference/giraff.md` §9; see README.md in this folder): a plain HTTP forward
 * proxy on the data path, built on bare `node:http` rather than the JSON server because it must see the raw
 * absolute-form request-target and add as little as possible to each hop.
 */
import { setMaxListeners } from "node:events";
import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { EventSink } from "../events/writer.ts";
import type { LinkEmulation } from "../http/client.ts";
import { applyEdgeLimits, edgeServerOptions } from "../http/edge-limits.ts";
import { listen } from "../http/server.ts";
import { readBody } from "../http/read-body.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { ForwardProxyAgents } from "./forward-agent.ts";
import { GIRAFF } from "./headers.ts";
import { runHop, type HopContext } from "./hop.ts";
import { parseTarget } from "./target.ts";

export interface ProxyOptions {
  host: string;
  /** 0 for an ephemeral port. GIRAFF uses 3128 on every node. */
  port: number;
  events: EventSink;
  /** Emulated link from this proxy's host to another host; undefined = no emulation. */
  linkTo?: (destinationHost: string) => LinkEmulation | undefined;
  timeouts?: {
    /** Each upstream call, link delays included (default 60 s). A timeout answers 504. */
    upstreamMs?: number;
  };
  /** Port of the other hosts' proxies, where the entry proxy forwards (default: this proxy's port). */
  peerProxyPort?: number;
  /** Largest request body in bytes (default 16 MiB, the gateway's invocation limit); above it, 413. */
  bodyLimit?: number;
  /** Epoch-ms clock of the hop events (default: the high-resolution wall clock). */
  now?: () => number;
}

export interface RunningProxy {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const wallClock = () => performance.timeOrigin + performance.now();

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const bodyLimit = opts.bodyLimit ?? 16 << 20;
  const now = opts.now ?? wallClock;
  const viaProxy = new ForwardProxyAgents();
  const direct = new Agent({ keepAlive: true, keepAliveMsecs: 20_000, maxSockets: 256, maxFreeSockets: 256 });
  const closing = new AbortController();
  // every upstream call listens on this one signal
  setMaxListeners(0, closing.signal);
  // absolute-form carries the host; do not insist on a Host header as node:http does by default
  const server = createServer(
    { ...edgeServerOptions(), requireHostHeader: false },
    (req, res) => void handle(req, res),
  );
  applyEdgeLimits(server);
  // GIRAFF's proxy only speaks plain HTTP: a CONNECT (HTTPS tunnel) gets an answer, not a dropped socket.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    const body = JSON.stringify(
      new ProtocolError({ field: "method", rule: "a plain HTTP method; CONNECT is not supported", value: "CONNECT" }),
    );
    // node:http hands the socket over without its own listeners: without one, a client reset would crash the
    // process; and the socket is half-open, so close it once the answer is out or close() would wait on it forever
    socket.on("error", () => socket.destroy());
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });

  const address = await listen(server, opts.port, opts.host);
  const ctx: HopContext = {
    host: opts.host,
    peerProxyPort: opts.peerProxyPort ?? address.port,
    ownPort: address.port,
    upstreamTimeoutMs: opts.timeouts?.upstreamMs ?? 60_000,
    linkTo: opts.linkTo,
    viaProxy,
    direct,
    signal: closing.signal,
    now,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now();
    const rawTarget = req.url ?? "/";
    if (rawTarget === "/healthz" && req.method === "GET") return void res.end("OK");
    try {
      const target = parseTarget(rawTarget, req.headers);
      const body = await readBody(req, { limit: bodyLimit });
      const result = await runHop(ctx, { method: req.method ?? "GET", headers: req.headers, body, target, receivedAt });
      const headers = { ...result.headers, [GIRAFF.requestId]: result.event.reqId };
      reply(res, result.status, headers, result.body);
      for (const inner of result.inner ?? []) opts.events.emit(inner);
      opts.events.emit(result.event);
    } catch (err) {
      const error =
        err instanceof ProtocolError
          ? err
          : new ProtocolError({ field: "", rule: "a readable request", status: 400, cause: err });
      req.resume();
      const body = Buffer.from(JSON.stringify(error.toJSON()));
      reply(res, error.status, { "content-type": "application/json", connection: "close" }, body);
    }
  }

  return {
    url: `http://${address.address}:${address.port}`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
        viaProxy.destroy();
        direct.destroy();
      }),
  };
}

function reply(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, "content-length": String(body.length) });
  res.end(body);
}
