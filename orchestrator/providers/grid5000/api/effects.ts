/**
 * What the client does to the outside world, as one typed parameter with production defaults (STYLE.md
 * principle 4): HTTP, the clock, sleeping and logging. Tests pass the fake's virtual clock as `now`/`sleep`, so
 * polling a job for hours takes no real time.
 */
import { request } from "../../../../runtime/http/client.ts";

export interface HttpCall {
  method: string;
  headers: Record<string, string>;
  /** JSON-serialised by the default implementation. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** `https:` only: the CAs to verify the server against, instead of Node's (the client adds Node's to its own). */
  ca?: (string | Buffer)[] | undefined;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface Grid5000Effects {
  /** Sends one request; rejects (with the runtime's RemoteError) only on timeout, cancellation or transport failure. */
  http(url: string, call: HttpCall): Promise<HttpReply>;
  /** Unix time in ms. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** One line per call and per state change; never receives credentials. */
  log(line: string): void;
}

export const defaultGrid5000Effects: Grid5000Effects = {
  async http(url, call) {
    const answer = await request(url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      timeoutMs: call.timeoutMs,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
      ...(call.ca === undefined ? {} : { ca: call.ca }),
    });
    return { status: answer.status, headers: answer.headers, text: answer.text() };
  },
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
  log: (line) => console.error(`[grid5000] ${line}`),
};
