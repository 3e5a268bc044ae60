/**
 * Outbound HTTP for the runtime: keep-alive connections, a timeout on every call, errors as {@link RemoteError},
 * and optional link emulation (a one-way delay and a rate applied to the request and to the response), which is
 * how the local testbed puts link latency on the real traffic between nodes. `https:` URLs go through `node:https`
 * with certificate verification always on (the Grid'5000 API is HTTPS only); `ca` trusts a CA of one's own.
 */
import {
  Agent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { RemoteError } from "../protocol/errors.ts";
import { setLongTimeout } from "../util/long-timeout.ts";
import { preciseDelay, type Cancellable } from "./precise-timer.ts";

export interface LinkEmulation {
  /** One-way delay in ms, applied before the request leaves and again before the response is delivered. */
  delayMs: number;
  /** Bottleneck rate in bit/s: adds size × 8 / rate to each direction. Undefined = unlimited. */
  rateBps?: number | undefined;
}

export interface RequestOptions {
  method?: string;
  /** Serialised as JSON unless it is a Buffer or a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Whole-call timeout in ms, link delays included. */
  timeoutMs: number;
  link?: LinkEmulation | undefined;
  /** For `https:` URLs, an `https.Agent` (a subclass of `http.Agent`). */
  agent?: Agent;
  signal?: AbortSignal;
  /**
   * `https:` only: the CAs (PEM) to verify the server's certificate against, **instead of** Node's bundled ones (as
   * `tls.connect`'s `ca`); without it, Node's CAs plus `NODE_EXTRA_CA_CERTS`. Verification is never turned off.
   */
  ca?: string | Buffer | (string | Buffer)[] | undefined;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  json(): unknown;
}

/** Transits shorter than this (serialisation on fast links) are not worth a scheduler turn: sent at once. */
const MIN_TIMER_MS = 0.5;

const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 20_000, maxSockets: 256, maxFreeSockets: 64 };
const defaultAgent = new Agent(AGENT_OPTIONS);
// one pool for every https origin; a request's `ca` is part of the pool's key, so it never reuses another's socket
const defaultHttpsAgent = new HttpsAgent(AGENT_OPTIONS);

/** OpenSSL's verdicts on a certificate, and Node's on its name: the server is not who it should be, or not trusted. */
const CERTIFICATE_CODES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "INVALID_CA",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * Whether a failed call failed because the server's TLS certificate was refused (untrusted CA, expired, wrong name),
 * or the TLS handshake itself failed (`EPROTO`: e.g. plain HTTP on the other end): retrying cannot help.
 */
export function isTlsFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    if (CERTIFICATE_CODES.has(code) || code === "EPROTO" || code.startsWith("ERR_SSL_")) return true;
  }
  return false;
}

/** Sends one request. Resolves with any status; rejects with RemoteError on timeout or transport failure. */
export function request(url: string, opts: RequestOptions): Promise<HttpAnswer> {
  const payload = encodeBody(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (payload !== undefined) {
    headers["content-length"] = String(payload.length);
    if (!Buffer.isBuffer(opts.body) && typeof opts.body !== "string") headers["content-type"] ??= "application/json";
  }
  const link = opts.link;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    let req: ClientRequest | undefined;
    const delays: Cancellable[] = [];
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      deadline.clear();
      for (const d of delays) d.cancel();
      opts.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const fail = (message: string, extra: { timedOut?: boolean; isUnreachable?: boolean; cause?: unknown }) =>
      finish(() => {
        req?.destroy();
        reject(new RemoteError({ url, message, ...extra }));
      });
    const onAbort = () => fail(`Call to ${url} was cancelled.`, { cause: opts.signal?.reason });
    opts.signal?.addEventListener("abort", onAbort);
    // a long timeout: a caller's timeout beyond the timer limit must not fire at once
    const deadline = setLongTimeout(
      () => fail(`Call to ${url} timed out after ${opts.timeoutMs} ms.`, { timedOut: true }),
      opts.timeoutMs,
    );

    const send = () => {
      if (settled) return;
      const method = opts.method ?? "GET";
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (cause) => fail(`Reading the answer of ${url} failed: ${cause.message}.`, { cause }));
        res.on("end", () => {
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          const answer = makeAnswer(res.statusCode ?? 0, res.headers, body);
          const back = transitMs(link, body.length);
          if (back < MIN_TIMER_MS) finish(() => resolve(answer));
          else delays.push(preciseDelay(back, () => finish(() => resolve(answer))));
        });
      };
      req = /^https:/i.test(url)
        ? httpsRequest(
            url,
            {
              method,
              headers,
              agent: opts.agent ?? defaultHttpsAgent,
              rejectUnauthorized: true,
              ...(opts.ca === undefined ? {} : { ca: opts.ca }),
            },
            onResponse,
          )
        : httpRequest(url, { method, headers, agent: opts.agent ?? defaultAgent }, onResponse);
      req.on("error", (cause: NodeJS.ErrnoException) => {
        if (isTlsFailure(cause)) {
          const what = CERTIFICATE_CODES.has(cause.code ?? "") ? "TLS certificate refused" : "TLS handshake failed";
          return fail(`Call to ${url} failed: ${what} (${cause.code}: ${cause.message}).`, { cause });
        }
        const unreachable = ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EADDRNOTAVAIL"];
        fail(`Call to ${url} failed: ${cause.message}.`, {
          isUnreachable: unreachable.includes(cause.code ?? ""),
          cause,
        });
      });
      req.end(payload);
    };
    const out = transitMs(link, payload?.length ?? 0);
    if (out < MIN_TIMER_MS) send();
    else delays.push(preciseDelay(out, send));
  });
}

/** Sends a JSON request and parses a JSON answer; a non-2xx status rejects with RemoteError carrying the body. */
export async function requestJson(url: string, opts: RequestOptions): Promise<{ status: number; json: unknown }> {
  const answer = await request(url, opts);
  const text = answer.text();
  if (answer.status < 200 || answer.status >= 300) {
    throw new RemoteError({
      url,
      status: answer.status,
      body: text.slice(0, 2000),
      message: `${opts.method ?? "GET"} ${url} answered ${answer.status}: ${summarise(text)}`,
    });
  }
  if (text.length === 0) return { status: answer.status, json: undefined };
  try {
    return { status: answer.status, json: JSON.parse(text) };
  } catch (cause) {
    throw new RemoteError({
      url,
      status: answer.status,
      body: text.slice(0, 2000),
      message: `${url} answered invalid JSON.`,
      cause,
    });
  }
}

function transitMs(link: LinkEmulation | undefined, bytes: number): number {
  if (link === undefined) return 0;
  const serialisation = link.rateBps === undefined || link.rateBps <= 0 ? 0 : ((bytes + 300) * 8 * 1000) / link.rateBps;
  return link.delayMs + serialisation;
}

function encodeBody(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

function makeAnswer(status: number, headers: IncomingHttpHeaders, body: Buffer): HttpAnswer {
  return {
    status,
    headers,
    body,
    text: () => body.toString("utf8"),
    json: () => JSON.parse(body.toString("utf8")) as unknown,
  };
}

function summarise(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    if (typeof parsed.error?.message === "string") return parsed.error.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || "(empty body)";
}
