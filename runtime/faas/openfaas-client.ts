/**
 * A client for the part of the OpenFaaS gateway REST API that a fog node uses: deploy, update, list and delete
 * functions, probe their health and wait until they are live. It follows OpenFaaS's field names, so the same client
 * drives real OpenFaaS on Grid'5000 and the embedded gateway (`gateway.ts`) on the local testbed.
 */
import { setTimeout as sleepFor } from "node:timers/promises";
import { request, type HttpAnswer, type RequestOptions } from "../http/client.ts";
import { RemoteError, isRemoteError } from "../protocol/errors.ts";
import { DEFAULT_BACKOFF, type BackoffOptions } from "../util/backoff.ts";
import { retry, RetryGaveUp, type AttemptInfo } from "../util/retry.ts";
import type { DeleteFunctionRequest, FunctionDeployment, FunctionStatus } from "./types.ts";

/** What the fog node needs from a FaaS platform; the default implementation is {@link OpenFaasClient}. */
export interface FaasClient {
  /** `POST /system/functions`. Rejects with RemoteError (status 409 on the embedded gateway) if the name exists. */
  deploy(fn: FunctionDeployment): Promise<void>;
  /** `PUT /system/functions`: replace the definition of an existing function (404 if unknown). */
  update(fn: FunctionDeployment): Promise<void>;
  /** `GET /system/functions`. */
  list(): Promise<FunctionStatus[]>;
  /** `DELETE /system/functions` with `{"functionName": name}` (404 if unknown). */
  delete(name: string): Promise<void>;
  /** `GET /function/<name>/health` once. Resolves with any status; rejects only on timeout or transport failure. */
  health(name: string, opts?: { timeoutMs?: number }): Promise<HealthProbe>;
  /**
   * Probes health with exponential backoff until it answers 200; rejects with a timed-out RemoteError, or at once
   * with the reason when the embedded gateway reports the function's process failed (it exited, or never listened).
   */
  waitUntilLive(name: string, opts?: WaitUntilLiveOptions): Promise<LiveResult>;
}

export interface HealthProbe {
  /** True when the function answered 200. */
  live: boolean;
  status: number;
}

export interface WaitUntilLiveOptions {
  /** Give up after this long (GIRAFF's `FUNCTION_LIVE_TIMEOUT_MSECS`: 120 s). */
  timeoutMs?: number;
  /** Timeout of one probe (GIRAFF: 15 s), cut to the time left. */
  probeTimeoutMs?: number;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
}

export interface LiveResult {
  attempts: number;
  elapsedMs: number;
}

/** The outside world of the client; tests may pass a recording `request` or a fake clock. */
export interface FaasClientEffects {
  request: (url: string, opts: RequestOptions) => Promise<HttpAnswer>;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const defaultFaasClientEffects: FaasClientEffects = {
  request,
  now: () => performance.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, signal === undefined ? {} : { signal }),
};

export interface OpenFaasClientOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080` (GIRAFF: `http://<OPENFAAS_IP>:<OPENFAAS_PORT_INTERNAL>`). */
  baseUrl: string;
  /** Basic auth (GIRAFF: `OPENFAAS_USERNAME` / `OPENFAAS_PASSWORD`), sent on every call when set. */
  auth?: { username: string; password: string } | undefined;
  /** Timeout of each `/system` call in ms (default 30 s). */
  timeoutMs?: number;
  effects?: Partial<FaasClientEffects>;
}

export const LIVE_TIMEOUT_MS = 120_000;
export const PROBE_TIMEOUT_MS = 15_000;

/** {@link FaasClient} over HTTP. */
export class OpenFaasClient implements FaasClient {
  readonly baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #effects: FaasClientEffects;

  constructor(opts: OpenFaasClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.#headers = {};
    if (opts.auth !== undefined) {
      const token = Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString("base64");
      this.#headers["authorization"] = `Basic ${token}`;
    }
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#effects = { ...defaultFaasClientEffects, ...opts.effects };
  }

  async deploy(fn: FunctionDeployment): Promise<void> {
    await this.#system("POST", fn, `deploy \`${fn.service}\``);
  }

  async update(fn: FunctionDeployment): Promise<void> {
    await this.#system("PUT", fn, `update \`${fn.service}\``);
  }

  async delete(name: string): Promise<void> {
    const body: DeleteFunctionRequest = { functionName: name };
    await this.#system("DELETE", body, `delete \`${name}\``);
  }

  async list(): Promise<FunctionStatus[]> {
    const answer = await this.#system("GET", undefined, "list functions");
    let parsed: unknown;
    try {
      parsed = answer.json();
    } catch (cause) {
      throw this.#badAnswer(answer, "list functions", "a body that is not JSON", cause);
    }
    if (!Array.isArray(parsed) || !parsed.every(isFunctionStatus)) {
      throw this.#badAnswer(answer, "list functions", "a body that is not an array of `{name, image}` objects");
    }
    return parsed;
  }

  async health(name: string, opts: { timeoutMs?: number } = {}): Promise<HealthProbe> {
    const url = `${this.baseUrl}/function/${encodeURIComponent(name)}/health`;
    const timeoutMs = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
    const answer = await this.#effects.request(url, { method: "GET", headers: this.#headers, timeoutMs });
    return { live: answer.status === 200, status: answer.status };
  }

  async waitUntilLive(name: string, opts: WaitUntilLiveOptions = {}): Promise<LiveResult> {
    const timeoutMs = opts.timeoutMs ?? LIVE_TIMEOUT_MS;
    const probeTimeoutMs = opts.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    const url = `${this.baseUrl}/function/${name}/health`;
    const probe = async ({ attempt, elapsedMs, remainingMs }: AttemptInfo): Promise<LiveResult> => {
      const bound = Math.max(1, Math.min(probeTimeoutMs, remainingMs));
      let status: number;
      try {
        const probed = await this.health(name, { timeoutMs: bound });
        if (probed.live) return { attempts: attempt, elapsedMs };
        status = probed.status;
      } catch (err) {
        if (!isRemoteError(err)) throw err;
        throw new NotLive(err.timedOut ? "the probe timed out" : err.message);
      }
      // the embedded gateway answers 500 for a failed process, which never comes back: waiting longer only hangs
      const failure = status === 500 ? await this.#processFailure(name, bound) : undefined;
      if (failure === undefined) throw new NotLive(`it answered ${status}`);
      throw new RemoteError({
        url,
        status: 500,
        message: `Function \`${name}\` failed at ${this.baseUrl} before it became live: ${failure}`,
      });
    };
    try {
      return await retry(probe, {
        backoff: opts.backoff ?? DEFAULT_BACKOFF,
        deadlineMs: timeoutMs,
        clock: this.#effects,
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        retryable: (err) => err instanceof NotLive,
      });
    } catch (err) {
      if (!(err instanceof RetryGaveUp)) throw err;
      throw new RemoteError({
        url,
        timedOut: true,
        message:
          `Function \`${name}\` did not become live within ${timeoutMs} ms at ${this.baseUrl} ` +
          `(${err.attempts} probes; last: ${(err.last as Error).message}).`,
      });
    }
  }

  /**
   * The embedded gateway's account of a failed function process (`GET /system/function/<name>`, field
   * `process.failure`); undefined when the function has not failed, or on real OpenFaaS, which has no such field.
   */
  async #processFailure(name: string, timeoutMs: number): Promise<string | undefined> {
    const url = `${this.baseUrl}/system/function/${encodeURIComponent(name)}`;
    try {
      const answer = await this.#effects.request(url, { method: "GET", headers: this.#headers, timeoutMs });
      if (answer.status !== 200) return undefined;
      const status = answer.json() as { process?: { status?: unknown; failure?: unknown } };
      if (status.process?.status !== "failed") return undefined;
      return typeof status.process.failure === "string" ? status.process.failure : "its process failed";
    } catch {
      // a status that cannot be read is no verdict: keep probing health
      return undefined;
    }
  }

  /** One `/system/functions` call: any 2xx is success; anything else becomes a RemoteError saying what failed. */
  async #system(method: string, body: unknown, action: string): Promise<HttpAnswer> {
    const url = `${this.baseUrl}/system/functions`;
    let answer: HttpAnswer;
    try {
      answer = await this.#effects.request(url, { method, body, headers: this.#headers, timeoutMs: this.#timeoutMs });
    } catch (err) {
      if (!isRemoteError(err)) throw err;
      throw new RemoteError({
        url,
        timedOut: err.timedOut,
        isUnreachable: err.isUnreachable,
        message: `Could not ${action} on the OpenFaaS gateway at ${this.baseUrl}: ${err.message}`,
        cause: err,
      });
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const text = answer.text();
    throw new RemoteError({
      url,
      status: answer.status,
      body: text.slice(0, 2000),
      message: `Could not ${action} on the OpenFaaS gateway at ${this.baseUrl}: it answered ${answer.status}: ${summarise(text)}`,
    });
  }

  #badAnswer(answer: HttpAnswer, action: string, what: string, cause?: unknown): RemoteError {
    return new RemoteError({
      url: `${this.baseUrl}/system/functions`,
      status: answer.status,
      body: answer.text().slice(0, 2000),
      message: `Could not ${action} on the OpenFaaS gateway at ${this.baseUrl}: it answered ${what}.`,
      cause,
    });
  }
}

function isFunctionStatus(value: unknown): value is FunctionStatus {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record["name"] === "string" && typeof record["image"] === "string";
}

/** The gist of an error body: our gateway's `{error: {message}}`, or OpenFaaS's plain text, cut short. */
function summarise(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === "string") return parsed.error.message;
  } catch {
    // OpenFaaS answers errors as plain text
  }
  const trimmed = text.trim();
  if (trimmed === "") return "(empty body)";
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

/** A probe that found the function not live yet: worth another one. */
class NotLive extends Error {}
