/**
 * Latency probes to co-located peers, measured in batches. An in-process probe's round trip is its link's emulated
 * transit both ways plus how late this process's event loop delivers each leg; only the lateness needs measuring,
 * and it is the same for every probe in flight at that moment. So the probes started in one turn of the event loop
 * travel together: one precise timer per leg measures the lateness, and each probe gets its own link's round trip
 * plus it. A timer per probe would cost 10,000-node networks a core: the precise timer spins up to 1 ms before
 * each deadline, and with thousands of probes a second it never stops spinning.
 *
 *   probe(A→B), probe(C→D), … (same turn) ─► batch ─► leg out: one precise delay, lateness Lₒ ─► peers alive?
 *       ─► leg back: one precise delay, lateness Lᵦ ─► each probe: 2 × its transit + Lₒ + Lᵦ
 *
 * Legs shorter than the smallest timer the link emulation uses are delivered at once there, and get no lateness here.
 * A batch leg waits for the shortest timed transit of the batch; the answer comes when the batch's legs are done.
 */
import type { LinkEmulation } from "../http/client.ts";
import { preciseDelay } from "../http/precise-timer.ts";
import { MIN_TIMER_MS, transitMs, type LocalPeer } from "./local-peers.ts";

interface PendingProbe {
  /** One-way transit of a probe (no body) over the link, ms. */
  legMs: number;
  peer: LocalPeer;
  resolve(rttMs: number | undefined): void;
}

let pending: PendingProbe[] = [];
let scheduled = false;

/** Batches flushed and probes measured since the process started, to show what batching saves. */
export const probeBatchStats = { batches: 0, probes: 0 };

/**
 * A latency probe to a co-located peer: the emulated round trip, as the traffic would experience it in this process;
 * undefined when the peer is gone by the time the probe reaches it.
 */
export function probeLocally(link: LinkEmulation | undefined, peer: LocalPeer): Promise<number | undefined> {
  return new Promise((resolve) => {
    pending.push({ legMs: transitMs(link, () => 0), peer, resolve });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
}

function flush(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  probeBatchStats.batches += 1;
  probeBatchStats.probes += batch.length;
  const timedLeg = shortestTimedLeg(batch);
  void lateness(timedLeg).then((lateOut) => {
    const reached = batch.filter((p) => {
      if (p.peer.alive()) return true;
      p.resolve(undefined);
      return false;
    });
    return lateness(timedLeg).then((lateBack) => {
      for (const p of reached) p.resolve(2 * p.legMs + (p.legMs < MIN_TIMER_MS ? 0 : lateOut + lateBack));
    });
  });
}

/** The shortest leg the link emulation would put on a timer, or undefined when every leg is delivered at once. */
function shortestTimedLeg(batch: readonly PendingProbe[]): number | undefined {
  let shortest: number | undefined;
  for (const p of batch)
    if (p.legMs >= MIN_TIMER_MS && (shortest === undefined || p.legMs < shortest)) shortest = p.legMs;
  return shortest;
}

/** Waits `ms` on the precise timer and resolves with how late it fired, in ms (0 at once without a timed leg). */
function lateness(ms: number | undefined): Promise<number> {
  if (ms === undefined) return Promise.resolve(0);
  const due = performance.now() + ms;
  return new Promise((resolve) => preciseDelay(ms, () => resolve(Math.max(0, performance.now() - due))));
}
