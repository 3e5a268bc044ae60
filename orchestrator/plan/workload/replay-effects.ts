/**
 * What the replayer does to the world, as one typed parameter with production defaults (STYLE.md §4): HTTP calls,
 * the clock, sleeping, and metric events. Tests pass a pinned clock or a recording sink instead of mocking modules.
 */
import { setTimeout as sleepFor } from "node:timers/promises";
import { nullEventSink, type EventSink } from "../../../runtime/events/writer.ts";
import { request, type HttpAnswer, type RequestOptions } from "../../../runtime/http/client.ts";

/** One HTTP call: resolves with any status, rejects on transport failure, timeout or cancellation. */
export type HttpFn = (url: string, opts: RequestOptions) => Promise<HttpAnswer>;

export interface Clock {
  /** Milliseconds on a monotonic scale (only differences are used). */
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ReplayEffects {
  http: HttpFn;
  clock: Clock;
  events: EventSink;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    ms <= 0 ? Promise.resolve() : sleepFor(ms, undefined, signal === undefined ? {} : { signal }),
};

export const defaultReplayEffects: ReplayEffects = { http: request, clock: systemClock, events: nullEventSink };
