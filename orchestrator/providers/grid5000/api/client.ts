/**
 * The Grid'5000 REST client's core: one `call` that adds authentication, applies a timeout, retries idempotent
 * verbs on 5xx and transport failures with backoff, and turns every failure into a readable {@link Grid5000Error}.
 * POSTs are never retried here: the verbs that submit (jobs.ts, storage.ts) check the server's state instead.
 */
import { rootCertificates } from "node:tls";
import { isTlsFailure } from "../../../../runtime/http/client.ts";
import { isRemoteError } from "../../../../runtime/protocol/errors.ts";
import { backoffDelays, type BackoffOptions } from "../../../../runtime/util/backoff.ts";
import { defaultGrid5000Effects, type Grid5000Effects, type HttpReply } from "./effects.ts";
import { Grid5000Error } from "./errors.ts";
import { mapHttpError, type AuthContext } from "./map-error.ts";
import { makeRedactor, type Redactor } from "./redact.ts";

/**
 * Outside Grid'5000: HTTP Basic with the G5K login (`source` says where it came from, for a 401's sentence; never
 * the password itself); inside: no credentials, the front proxy identifies the user.
 */
export type Grid5000Auth =
  | { mode: "basic"; username: string; password: string; source?: string | undefined }
  | { mode: "inside"; username?: string | undefined };

export interface Grid5000ClientOptions {
  /**
   * `https://api.grid5000.fr/stable`, or the fake's URL; without credentials in it. Plain `http:` is refused unless
   * the host is a loopback address: the real API is HTTPS only, and Basic auth over HTTP would send the password
   * in clear.
   */
  baseUrl: string;
  auth: Grid5000Auth;
  /**
   * A CA (PEM) to trust for the API's certificate, in addition to Node's bundled CAs: a corporate TLS proxy's, or the
   * fake's. `NODE_EXTRA_CA_CERTS` works too. Certificates are always verified.
   */
  ca?: string | Buffer | undefined;
  /** Per-call timeouts in ms. */
  timeouts?: { read?: number; write?: number };
  /** Attempts for idempotent verbs (python-grid5000 retries 5 times) and the delays between them. */
  retry?: { attempts?: number; backoff?: BackoffOptions };
  /** Delays between polls of a job or deployment (EnOSlib starts at 5 s and grows). */
  poll?: BackoffOptions;
}

export interface CallOptions {
  method: "GET" | "POST" | "DELETE" | "PUT";
  /** Relative to the base URL: `/sites/nancy/jobs`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export interface CallResult {
  status: number;
  json: unknown;
  headers: HttpReply["headers"];
}

export const DEFAULT_POLL: BackoffOptions = { initialMs: 5_000, factor: 1.5, maxMs: 60_000 };
const DEFAULT_RETRY: BackoffOptions = { initialMs: 300, factor: 2, maxMs: 10_000 };
const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

export class Grid5000Client {
  readonly baseUrl: string;
  /** The G5K login, when known: used to filter listings and to name the NFS home. */
  readonly username: string | undefined;
  readonly effects: Grid5000Effects;
  readonly redact: Redactor;
  readonly poll: BackoffOptions;
  readonly #authorization: string | undefined;
  readonly #auth: AuthContext;
  readonly #timeouts: { read: number; write: number };
  readonly #attempts: number;
  readonly #retryBackoff: BackoffOptions;
  readonly #ca: (string | Buffer)[] | undefined;

  constructor(options: Grid5000ClientOptions, effects: Grid5000Effects = defaultGrid5000Effects) {
    const url = new URL(options.baseUrl);
    if (url.username !== "" || url.password !== "") {
      throw new Grid5000Error("The Grid'5000 base URL must not carry credentials; pass them as `auth`.", {
        reason: "bad-request",
      });
    }
    const problem = apiUrlProblem(options.baseUrl);
    if (problem !== undefined)
      throw new Grid5000Error(`The Grid'5000 base URL is refused: ${problem}.`, { reason: "bad-request" });
    this.baseUrl = url.toString().replace(/\/+$/, "");
    this.username = options.auth.username;
    const source = options.auth.mode === "basic" ? options.auth.source : undefined;
    this.#auth = { mode: options.auth.mode, login: options.auth.username, source };
    const secrets: string[] = [];
    if (options.auth.mode === "basic") {
      const token = Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64");
      this.#authorization = `Basic ${token}`;
      secrets.push(token, options.auth.password);
    }
    this.redact = makeRedactor(secrets);
    this.effects = effects;
    this.#timeouts = { read: options.timeouts?.read ?? 30_000, write: options.timeouts?.write ?? 120_000 };
    this.#attempts = options.retry?.attempts ?? 5;
    this.#retryBackoff = options.retry?.backoff ?? DEFAULT_RETRY;
    this.poll = options.poll ?? DEFAULT_POLL;
    // `ca` replaces Node's bundled CAs in tls.connect: keep them, so the real API still verifies with a CA added
    this.#ca = options.ca === undefined ? undefined : [...rootCertificates, options.ca];
  }

  /** Logs one line through the effects, redacted. */
  log(line: string): void {
    this.effects.log(this.redact(line));
  }

  /** One API call; idempotent verbs are retried on 5xx and transport failures, POST never. */
  async call(opts: CallOptions): Promise<CallResult> {
    const label = `${opts.method} ${opts.path}`;
    const idempotent = opts.method !== "POST";
    const delays = backoffDelays(this.#retryBackoff);
    for (let attempt = 1; ; attempt++) {
      let reply: HttpReply;
      try {
        reply = await this.#send(opts);
      } catch (err) {
        const error = this.#transportError(label, err, opts.signal);
        // a refused certificate stays refused: retrying would only repeat the handshake
        const final = error.reason === "cancelled" || error.reason === "tls";
        if (!idempotent || attempt >= this.#attempts || final) throw error;
        await this.#pause(label, attempt, error.message, delays.next().value, opts.signal);
        continue;
      }
      if (reply.status >= 200 && reply.status < 300)
        return { status: reply.status, json: parse(reply.text), headers: reply.headers };
      if (idempotent && RETRIED_STATUSES.has(reply.status) && attempt < this.#attempts) {
        await this.#pause(label, attempt, `answered ${reply.status}`, delays.next().value, opts.signal);
        continue;
      }
      throw mapHttpError(label, reply.status, this.redact(reply.text), attempt, this.#auth);
    }
  }

  #send(opts: CallOptions): Promise<HttpReply> {
    const url = new URL(this.baseUrl + opts.path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#authorization !== undefined) headers["authorization"] = this.#authorization;
    const timeoutMs = opts.method === "GET" ? this.#timeouts.read : this.#timeouts.write;
    return this.effects.http(url.toString(), {
      method: opts.method,
      headers,
      body: opts.body,
      timeoutMs,
      signal: opts.signal,
      ...(this.#ca === undefined ? {} : { ca: this.#ca }),
    });
  }

  async #pause(label: string, attempt: number, why: string, ms: number, signal: AbortSignal | undefined) {
    this.log(`${label} ${why} (attempt ${attempt} of ${this.#attempts}); retrying in ${ms} ms.`);
    try {
      await this.effects.sleep(ms, signal);
    } catch (cause) {
      throw new Grid5000Error(`${label} was cancelled while waiting to retry.`, {
        reason: "cancelled",
        call: label,
        cause,
      });
    }
  }

  #transportError(label: string, err: unknown, signal: AbortSignal | undefined): Grid5000Error {
    if (signal?.aborted) return new Grid5000Error(`${label} was cancelled.`, { reason: "cancelled", call: label });
    const remote = isRemoteError(err) ? err : undefined;
    const detail = this.redact(err instanceof Error ? err.message : String(err)).replace(/\.$/, "");
    if (isTlsFailure(err)) {
      const host = new URL(this.baseUrl).host;
      return new Grid5000Error(
        `${label}: the TLS connection to ${host} failed, so nothing was sent (${detail}). If ${host} presents a ` +
          "certificate from a CA of your own (a corporate proxy, the fake API), trust that CA with " +
          "NODE_EXTRA_CA_CERTS=<ca.pem> or G5K_API_CA=<ca.pem>; certificate verification is never turned off.",
        { reason: "tls", call: label, cause: err },
      );
    }
    if (remote?.timedOut) {
      return new Grid5000Error(`${label} got no answer from Grid'5000 in time (${detail}).`, {
        reason: "timeout",
        call: label,
      });
    }
    return new Grid5000Error(`${label} could not reach Grid'5000 (${detail}).`, { reason: "unreachable", call: label });
  }
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why an API base URL is refused, or undefined: `https:` anywhere, `http:` only on a loopback address (the fake, a
 * local tunnel), so a password never crosses a network in clear.
 */
export function apiUrlProblem(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `${JSON.stringify(baseUrl)} is not a URL`;
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && LOOPBACK.test(url.hostname)) return undefined;
  return url.protocol === "http:"
    ? `${url.origin} is plain HTTP to a host that is not loopback: Basic auth would send the password in clear, ` +
        "and the real API is HTTPS only; use https://"
    : `${url.origin} uses ${url.protocol}, which the API does not speak; use https://`;
}

function parse(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
