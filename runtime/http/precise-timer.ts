/**
 * Delays with sub-millisecond accuracy for link emulation. Node's timers fire up to a millisecond late, which
 * would add about 1 ms to every emulated hop in each direction. All pending delays share one min-heap: a normal
 * timer wakes the scheduler 1 ms before the earliest deadline, then `setImmediate` turns until it is due, so at
 * most one short spin runs at a time whatever the number of messages in flight.
 *
 * How late each delay fires versus its deadline (its slack) can be observed ({@link observeTimerSlack}): that is
 * the part of an emulated hop's time that the machine, not the emulated link, adds.
 */
import type { RecordableHistogram } from "node:perf_hooks";
import { timerDelay } from "../util/long-timeout.ts";

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

const EARLY_MS = 1;
const heap: Entry[] = [];
let seq = 0;
let timer: NodeJS.Timeout | undefined;
let spinning = false;
const slackObservers = new Set<RecordableHistogram>();

export interface Cancellable {
  cancel(): void;
}

/** Calls `fn` after `ms` milliseconds (fractional allowed), as close to the deadline as the event loop allows. */
export function preciseDelay(ms: number, fn: () => void): Cancellable {
  const entry: Entry = { at: performance.now() + ms, seq: seq++, fn, cancelled: false };
  push(entry);
  arm();
  return {
    cancel() {
      entry.cancelled = true;
    },
  };
}

/**
 * Records into `histogram`, in nanoseconds (at least 1), how late each delay fires after its deadline, until the
 * returned function is called. Costs one clock read and a native record per delay, and nothing while unobserved.
 */
export function observeTimerSlack(histogram: RecordableHistogram): () => void {
  slackObservers.add(histogram);
  return () => void slackObservers.delete(histogram);
}

function recordSlack(entry: Entry): void {
  const ns = Math.max(1, Math.round((performance.now() - entry.at) * 1e6));
  for (const h of slackObservers) h.record(ns);
}

function arm(): void {
  if (spinning || heap.length === 0) return;
  const wait = heap[0]!.at - performance.now() - EARLY_MS;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (wait <= 0) {
    spin();
    return;
  }
  // clamped: spin() re-arms for what is not yet due, so a wait beyond the timer limit only takes more steps
  timer = setTimeout(() => {
    timer = undefined;
    spin();
  }, timerDelay(wait));
}

function spin(): void {
  spinning = true;
  const now = performance.now();
  while (heap.length > 0 && heap[0]!.at <= now) {
    const entry = pop()!;
    if (entry.cancelled) continue;
    if (slackObservers.size > 0) recordSlack(entry);
    entry.fn();
  }
  while (heap.length > 0 && heap[0]!.cancelled) pop();
  if (heap.length > 0 && heap[0]!.at - performance.now() <= EARLY_MS) {
    setImmediate(spin);
    return;
  }
  spinning = false;
  arm();
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function push(entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(): Entry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last !== undefined) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}
