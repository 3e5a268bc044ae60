/**
 * One request through one proxy (`reference/giraff.md` §9): entry or hop, the upstream call, the redirect that
 * chains the next function, and the `proxy_hop` event from which analysis computes in-flight times (§14.2):
 * `receivedAt` is when the request reached this proxy, `respondedAt` when the upstream answered (before any
 * redirect is followed), so `receivedAt(next) − respondedAt(this)` is the transit to the next function.
 */
import { randomUUID } from "node:crypto";
import type { Agent, IncomingHttpHeaders } from "node:http";
import { request, type HttpAnswer, type LinkEmulation } from "../http/client.ts";
import type { EventBody } from "../protocol/events.ts";
import { isRemoteError } from "../protocol/errors.ts";
import type { ForwardProxyAgents } from "./forward-agent.ts";
import { GIRAFF, NO_SLA_ID, NO_TAGS, answerHeaders, headerValue, redirectHeaders, requestHeaders } from "./headers.ts";
import type { ProxyTarget } from "./target.ts";

export interface HopContext {
  /** This proxy's own host: requests to it are not link-emulated. */
  host: string;
  /** Port of the proxies of other hosts (GIRAFF: 3128 everywhere). */
  peerProxyPort: number;
  /** This proxy's own port: an entry request for a function on this host is handed over in-process. */
  ownPort: number;
  upstreamTimeoutMs: number;
  linkTo: ((destinationHost: string) => LinkEmulation | undefined) | undefined;
  viaProxy: ForwardProxyAgents;
  direct: Agent;
  signal: AbortSignal;
  now(): number;
}

export interface IncomingHop {
  method: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  target: ProxyTarget;
  receivedAt: number;
}

export interface HopResult {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  event: EventBody<"proxy_hop">;
  /** Events of hops handed over in-process (the entry's own hop when the function is local), emitted first. */
  inner?: EventBody<"proxy_hop">[];
}

/** Carries out one hop; never rejects (upstream failures become 502/504 answers with their event). */
export async function runHop(ctx: HopContext, hop: IncomingHop): Promise<HopResult> {
  const incomingId = headerValue(hop.headers, GIRAFF.requestId);
  const firstHop = incomingId === undefined;
  const reqId = incomingId ?? randomUUID();
  const preSetSlaId = headerValue(hop.headers, GIRAFF.slaId) ?? NO_SLA_ID;
  const headers = requestHeaders(hop.headers, reqId);
  const body = hop.body.length === 0 && (hop.method === "GET" || hop.method === "HEAD") ? undefined : hop.body;
  const event = (serviceStatus: number, status: number, respondedAt: number, more: Partial<EventBody<"proxy_hop">>) =>
    ({
      kind: "proxy_hop",
      reqId,
      slaId: preSetSlaId,
      tags: NO_TAGS,
      firstHop,
      receivedAt: hop.receivedAt,
      respondedAt,
      serviceStatus,
      status,
      url: hop.target.url.href,
      ...more,
    }) as EventBody<"proxy_hop">;

  // The entry proxy hands the request to the proxy of the destination host; that proxy calls the function. When
  // that proxy is this one, the hand-over skips the loopback round trip but still yields its own hop event.
  if (firstHop && hop.target.host === ctx.host && ctx.peerProxyPort === ctx.ownPort) {
    const innerHeaders = { ...hop.headers, [GIRAFF.requestId]: reqId };
    const inner = await runHop(ctx, { ...hop, headers: innerHeaders, receivedAt: ctx.now() });
    const result = { status: inner.status, headers: inner.headers, body: inner.body };
    const outer = event(inner.status, inner.status, ctx.now(), inner.event.error ? { error: inner.event.error } : {});
    return { ...result, event: outer, inner: [...(inner.inner ?? []), inner.event] };
  }
  const agent = firstHop ? ctx.viaProxy.get(hop.target.host, ctx.peerProxyPort) : ctx.direct;
  let answer: HttpAnswer;
  try {
    answer = await send(ctx, hop.target.url.href, hop.target.host, agent, hop.method, headers, body);
  } catch (err) {
    const failed = failure(err, hop.target.url.href);
    return { ...failed, event: event(0, failed.status, ctx.now(), { error: failed.reason }) };
  }
  const respondedAt = ctx.now();
  const tags = headerValue(answer.headers, GIRAFF.tags) ?? NO_TAGS;
  const slaId = headerValue(answer.headers, GIRAFF.slaId) ?? preSetSlaId;
  const stripped = answerHeaders(answer.headers);
  const seen = { tags, slaId };
  const redirect = headerValue(answer.headers, GIRAFF.redirect);
  if (firstHop || answer.status !== 200 || redirect === undefined) {
    const result = { status: answer.status, headers: stripped, body: answer.body };
    return { ...result, event: event(answer.status, answer.status, respondedAt, seen) };
  }

  // A function that announces a next hop: send its answer on, through the next host's proxy (§9.4).
  const next = redirectTarget(redirect, headerValue(answer.headers, GIRAFF.redirectProxy), ctx.peerProxyPort);
  if ("error" in next) {
    const failed = { status: 502, headers: JSON_TYPE, body: json({ error: next.error }) };
    return { ...failed, event: event(answer.status, 502, respondedAt, { ...seen, error: "redirect" }) };
  }
  try {
    const onward = redirectHeaders(stripped, headers, reqId);
    const nextAgent = ctx.viaProxy.get(next.proxyHost, next.proxyPort);
    const chained = await send(ctx, next.url, next.proxyHost, nextAgent, hop.method, onward, answer.body);
    const result = { status: chained.status, headers: answerHeaders(chained.headers), body: chained.body };
    return { ...result, event: event(answer.status, chained.status, respondedAt, seen) };
  } catch (err) {
    const failed = failure(err, next.url);
    return { ...failed, event: event(answer.status, failed.status, respondedAt, { ...seen, error: failed.reason }) };
  }
}

function send(
  ctx: HopContext,
  url: string,
  host: string,
  agent: Agent,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
): Promise<HttpAnswer> {
  const link = host === ctx.host ? undefined : ctx.linkTo?.(host);
  return request(url, { method, headers, body, agent, link, timeoutMs: ctx.upstreamTimeoutMs, signal: ctx.signal });
}

function failure(
  err: unknown,
  url: string,
): { status: number; headers: Readonly<Record<string, string>>; body: Buffer; reason: string } {
  const timedOut = isRemoteError(err) && err.timedOut;
  const reason = timedOut ? "timeout" : isRemoteError(err) && err.isUnreachable ? "unreachable" : "transport";
  const message = err instanceof Error ? err.message : `Call to ${url} failed.`;
  const body = json({ error: { message, reason, url } });
  return { status: timedOut ? 504 : 502, headers: JSON_TYPE, body, reason };
}

/** The next function's URL and the proxy to send it through; the proxy defaults to the function host's. */
function redirectTarget(
  redirect: string,
  redirectProxy: string | undefined,
  peerProxyPort: number,
): { url: string; proxyHost: string; proxyPort: number } | { error: Record<string, unknown> } {
  const url = URL.canParse(redirect) ? new URL(redirect) : undefined;
  if (url?.protocol !== "http:") return badHeader("GIRAFF-Redirect", redirect);
  const proxy = redirectProxy === undefined ? undefined : URL.canParse(redirectProxy) ? new URL(redirectProxy) : null;
  if (proxy === null || (proxy !== undefined && proxy.protocol !== "http:")) {
    return badHeader("GIRAFF-Redirect-Proxy", redirectProxy);
  }
  const proxyHost = (proxy ?? url).hostname.replace(/^\[|\]$/g, "");
  const proxyPort = proxy === undefined ? peerProxyPort : Number(proxy.port || 80);
  return { url: url.href, proxyHost, proxyPort };
}

function badHeader(field: string, value: string | undefined): { error: Record<string, unknown> } {
  const rule = "an absolute `http://` URL";
  const message = `The function's \`${field}\` answer header must be ${rule}, got ${JSON.stringify(value)}.`;
  return { error: { message, field, rule, value } };
}

const JSON_TYPE: Readonly<Record<string, string>> = { "content-type": "application/json" };

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
