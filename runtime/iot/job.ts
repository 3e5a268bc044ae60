/**
 * One IoT job: after the initial wait, an open-loop Poisson process fires requests at the entry proxy until the
 * duration has passed (`reference/giraff.md` §10). Open loop: a slow answer never delays the next send. Sends
 * beyond the emulator's in-flight bound are not queued (that queue would grow without limit under overload);
 * they are counted as failures with reason `overflow`.
 */
import { setMaxListeners } from "node:events";
import type { Agent } from "node:http";
import type { EventSink } from "../events/writer.ts";
import { request } from "../http/client.ts";
import { isRemoteError } from "../protocol/errors.ts";
import { seededRandom } from "../util/seeded-random.ts";
import { timerDelay } from "../util/long-timeout.ts";
import type { CronConfig } from "./cron-request.ts";
import { buildBody, type Media } from "./payloads.ts";
import { poissonArrivals } from "./schedule.ts";

export type JobState = "waiting" | "running" | "done" | "stopped";

export interface JobStatus extends CronConfig {
  state: JobState;
  /** Arrivals of the Poisson process so far (sent + overflow). */
  scheduled: number;
  /** Requests that left (took an in-flight slot). */
  sent: number;
  /** Answered 2xx. */
  ok: number;
  /** Answered, but not 2xx (GIRAFF logs these; they are not send failures). */
  non2xx: number;
  /** Transport errors, timeouts and overflows: each emitted a `send_failure`. */
  failed: number;
  overflow: number;
  /** Aborted by `close()`, not counted as failures. */
  cancelled: number;
  inFlight: number;
  requestedRatePerS: number;
  /** `sent` per second of the active period (from the end of the initial wait to the end or now). */
  achievedRatePerS: number | null;
  startedAt: number | null;
}

export interface JobDeps {
  events: EventSink;
  /** Forward-proxy agent of the entry proxy `http://<firstNodeIp>:<proxyPort>/`. */
  agent: Agent;
  media: Media;
  seed: string;
  requestTimeoutMs: number;
  slots: { tryAcquire(): boolean; release(): void };
  now(): number;
}

export class IotJob {
  readonly config: CronConfig;
  readonly #deps: JobDeps;
  readonly #abort = new AbortController();
  readonly #counts = { scheduled: 0, sent: 0, ok: 0, non2xx: 0, failed: 0, overflow: 0, cancelled: 0, inFlight: 0 };
  #state: JobState = "waiting";
  #timer: NodeJS.Timeout | undefined;
  #startedPerf: number | undefined;
  #endedPerf: number | undefined;
  #startedAt: number | null = null;
  readonly #pick: () => number;
  readonly #boundary: string;

  constructor(config: CronConfig, deps: JobDeps) {
    this.config = config;
    this.#deps = deps;
    // every request in flight listens on this one signal
    setMaxListeners(0, this.#abort.signal);
    this.#pick = seededRandom(deps.seed, config.functionId, "content");
    this.#boundary = `giraff-iot-${Math.floor(this.#pick() * 2 ** 48).toString(16)}`;
  }

  start(): void {
    const arrivals = poissonArrivals(
      seededRandom(this.#deps.seed, this.config.functionId),
      this.config.intervalMs,
      this.config.durationMs,
    );
    let next = arrivals.next();
    // Arrival offsets are absolute from the start, so timer lateness never accumulates; late arrivals catch up.
    const tick = () => {
      const elapsed = performance.now() - this.#startedPerf!;
      while (!next.done && next.value <= elapsed) {
        this.#fire();
        next = arrivals.next();
      }
      if (next.done) return this.#end("done");
      // clamped: tick re-checks the clock, so a wait beyond the timer limit only takes more steps
      this.#timer = setTimeout(tick, timerDelay(next.value - elapsed));
    };
    this.#timer = setTimeout(() => {
      this.#state = "running";
      this.#startedPerf = performance.now();
      this.#startedAt = this.#deps.now();
      tick();
    }, timerDelay(this.config.initialWaitMs));
  }

  /** Stops firing; requests in flight finish unless `abortInFlight`. */
  stop(abortInFlight = false): void {
    clearTimeout(this.#timer);
    if (this.#state === "waiting" || this.#state === "running") this.#end("stopped");
    if (abortInFlight) this.#abort.abort();
  }

  get state(): JobState {
    return this.#state;
  }

  status(): JobStatus {
    const activeMs = this.#startedPerf === undefined ? 0 : (this.#endedPerf ?? performance.now()) - this.#startedPerf;
    return {
      ...this.config,
      state: this.#state,
      ...this.#counts,
      requestedRatePerS: 1000 / this.config.intervalMs,
      achievedRatePerS: activeMs <= 0 ? null : (this.#counts.sent * 1000) / activeMs,
      startedAt: this.#startedAt,
    };
  }

  #end(state: JobState): void {
    this.#state = state;
    if (this.#startedPerf !== undefined) this.#endedPerf = performance.now();
  }

  #fire(): void {
    const c = this.#counts;
    c.scheduled += 1;
    const slaId = this.config.functionId;
    if (!this.#deps.slots.tryAcquire()) {
      c.overflow += 1;
      c.failed += 1;
      this.#deps.events.emit({
        kind: "send_failure",
        slaId,
        reason: "overflow",
        detail: "too many requests in flight",
      });
      return;
    }
    c.sent += 1;
    c.inFlight += 1;
    const { body, contentType } = buildBody(this.config.content, this.#deps.media, {
      tags: this.config.tags,
      nodeUrl: this.config.nodeUrl,
      boundary: this.#boundary,
      pick: this.#pick,
      nowMs: this.#deps.now(),
    });
    const headers: Record<string, string> = { "content-type": contentType, "GIRAFF-Sla-Id": slaId };
    if (this.config.tags !== "") headers["GIRAFF-Tags"] = this.config.tags;
    request(this.config.nodeUrl, {
      method: "POST",
      body,
      headers,
      agent: this.#deps.agent,
      timeoutMs: this.#deps.requestTimeoutMs,
      signal: this.#abort.signal,
    })
      .then(
        (answer) => (answer.status >= 200 && answer.status < 300 ? (c.ok += 1) : (c.non2xx += 1)),
        (err: unknown) => {
          if (this.#abort.signal.aborted) return void (c.cancelled += 1);
          c.failed += 1;
          const reason = !isRemoteError(err)
            ? "transport"
            : err.timedOut
              ? "timeout"
              : err.isUnreachable
                ? "unreachable"
                : "transport";
          const detail = err instanceof Error ? err.message : String(err);
          this.#deps.events.emit({ kind: "send_failure", slaId, reason, detail });
        },
      )
      .finally(() => {
        c.inFlight -= 1;
        this.#deps.slots.release();
      });
  }
}
