/**
 * Forwarding of `/function/<name>/*` to a function process: any method, the body as bytes, the query string and the
 * end-to-end headers both ways (GIRAFF's `GIRAFF-*` response headers included). Hop-by-hop headers stay behind,
 * as in any HTTP proxy (RFC 9110 §7.6.1).
 */
import type { IncomingHttpHeaders } from "node:http";
import { request } from "../http/client.ts";
import type { JsonRequest, JsonResponse } from "../http/server.ts";

// prettier-ignore
const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
  "transfer-encoding", "upgrade", "host", "content-length", "expect",
]);

/** Headers minus hop-by-hop ones, as the flat record the HTTP helpers take (repeated values joined by `, `). */
export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(key.toLowerCase())) continue;
    out[key] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Sends `req` to `<baseUrl><path>?<query>` and answers with the function's status, headers and body. */
export async function forward(
  baseUrl: string,
  path: string,
  req: JsonRequest,
  timeoutMs: number,
): Promise<JsonResponse> {
  const query = req.query.toString();
  const url = `${baseUrl}${path}${query === "" ? "" : `?${query}`}`;
  const answer = await request(url, {
    method: req.method,
    headers: endToEndHeaders(req.headers),
    // No body at all for bodiless requests, so that a GET stays a plain GET.
    ...(req.rawBody.length === 0 && (req.method === "GET" || req.method === "HEAD") ? {} : { body: req.rawBody }),
    timeoutMs,
  });
  return { status: answer.status, headers: endToEndHeaders(answer.headers), body: answer.body };
}
