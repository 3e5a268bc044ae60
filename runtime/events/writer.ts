/**
 * Appends metric events as JSON lines (DESIGN.md §3.2). Each line is written whole, in one `write`, so a crash can
 * at worst leave a torn last line, which ingestion tolerates and reports. One writer per process; emitters pass
 * the event body and the writer stamps `t`, `run` and `source`.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import type { EventBody, EventKind, MetricEvent } from "../protocol/events.ts";

export interface EventSink {
  emit<K extends EventKind>(body: EventBody<K>): void;
  /** Resolves once everything emitted so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface EventWriterOptions {
  run: string;
  source: string;
  /** Clock in epoch ms (float). Injected so tests can pin it. */
  now?: () => number;
}

const wallClock = () => performance.timeOrigin + performance.now();

/** Writes to `path` (created with its folder, appended to if it exists). */
export function fileEventWriter(path: string, opts: EventWriterOptions): EventSink {
  mkdirSync(dirname(path), { recursive: true });
  const stream: WriteStream = createWriteStream(path, { flags: "a" });
  stream.on("error", (err) => console.error(`Writing events to ${path} failed: ${err.message}`));
  const now = opts.now ?? wallClock;
  let pending = "";
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    if (pending.length === 0) return;
    stream.write(pending);
    pending = "";
  };
  return {
    emit(body) {
      pending += `${JSON.stringify({ t: now(), run: opts.run, source: opts.source, ...body })}\n`;
      // batch the lines of one tick into one write; lines stay whole because each is appended entire
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    },
    flush() {
      drain();
      return new Promise((resolve) => stream.write("", () => resolve()));
    },
    async close() {
      drain();
      await new Promise<void>((resolve) => stream.end(() => resolve()));
    },
  };
}

/** Keeps events in memory: for tests and for processes that only need to inspect them. */
export function memoryEventSink(opts: EventWriterOptions): EventSink & { events: MetricEvent[] } {
  const now = opts.now ?? wallClock;
  const events: MetricEvent[] = [];
  return {
    events,
    emit(body) {
      events.push({ t: now(), run: opts.run, source: opts.source, ...body } as MetricEvent);
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** Sends events nowhere. */
export const nullEventSink: EventSink = {
  emit() {},
  flush: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
