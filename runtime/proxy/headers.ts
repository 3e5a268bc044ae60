/**
 * GIRAFF's chaining headers (`reference/giraff.md` §8–§9) and the header plumbing of one hop: what is forwarded,
 * what is stripped from answers, and how the request that follows a `GIRAFF-Redirect` is assembled.
 */
import type { IncomingHttpHeaders } from "node:http";
import { endToEndHeaders } from "../faas/proxy.ts";
import { TARGET_HEADER } from "./target.ts";

/** Header names as node:http exposes them (lower case). */
export const GIRAFF = {
  requestId: "giraff-request-id",
  slaId: "giraff-sla-id",
  tags: "giraff-tags",
  redirect: "giraff-redirect",
  redirectProxy: "giraff-redirect-proxy",
} as const;

/** What GIRAFF's proxy records when a function did not say. */
export const NO_TAGS = "<no-tags>";
export const NO_SLA_ID = "<no-sla-id>";

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === "" ? undefined : first;
}

/** The request headers sent upstream: end-to-end ones only, without our origin-form target header. */
export function requestHeaders(headers: IncomingHttpHeaders, reqId: string): Record<string, string> {
  const out = endToEndHeaders(headers);
  delete out[TARGET_HEADER];
  out[GIRAFF.requestId] = reqId;
  return out;
}

/** An upstream answer's headers as given back to the caller: end-to-end, minus GIRAFF-Tags and GIRAFF-Sla-Id (§9.3). */
export function answerHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out = endToEndHeaders(headers);
  delete out[GIRAFF.tags];
  delete out[GIRAFF.slaId];
  return out;
}

/**
 * The headers of the request that follows a redirect: the (stripped) answer's headers, then the original request's
 * where the answer has none, as GIRAFF's proxy merges them, so `Content-Type` describes the new body; the request
 * id is always the original one.
 */
export function redirectHeaders(
  answer: Record<string, string>,
  original: Record<string, string>,
  reqId: string,
): Record<string, string> {
  const out: Record<string, string> = { ...original, ...answer };
  out[GIRAFF.requestId] = reqId;
  return out;
}
