/**
 * The limits every inbound HTTP edge of the runtime applies (the JSON server and the chaining proxy), so that a
 * peer it does not trust cannot hold its sockets or memory: a deadline to send the headers and the whole request,
 * a cap on open connections, and an idle keep-alive timeout. Handlers may still take longer to answer (a
 * provisioning waits up to 130 s): these deadlines bound what the client sends, not what the server does.
 */
import type { Server, ServerOptions } from "node:http";

export interface EdgeLimits {
  /** The whole request (headers and body) must arrive within this time, or the socket is answered 408 and closed. */
  requestTimeoutMs: number;
  /** The headers must arrive within this time. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are dropped as they open. */
  maxConnections: number;
}

/**
 * 30 s for a request: a 16 MiB invocation body on the slowest emulated link (a few Mb/s) still fits, and a peer
 * trickling a body can no longer hold a socket for the 600 s it could before. 1024 connections: well above what a
 * fog network of this repository opens to one server (keep-alive pools of at most 256 sockets per peer process),
 * and a bound on the sockets and buffers a flood of connections can pin.
 */
export const DEFAULT_EDGE_LIMITS: Readonly<EdgeLimits> = Object.freeze({
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 20_000,
  maxConnections: 1024,
});

/** How often node:http looks for requests past their deadlines (its default, 30 s, would double them). */
const CHECK_INTERVAL_MS = 1_000;

/** The `createServer` options that carry the deadlines (they cannot all be set after creation). */
export function edgeServerOptions(limits: EdgeLimits = DEFAULT_EDGE_LIMITS): ServerOptions {
  return {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MS, limits.requestTimeoutMs),
  };
}

/** Applies the limits that are server properties rather than creation options. */
export function applyEdgeLimits(server: Server, limits: EdgeLimits = DEFAULT_EDGE_LIMITS): void {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}
