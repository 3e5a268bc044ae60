/**
 * Latency probes to co-located peers, measured in batches. An in-process probe's round trip is its link's emulated
 * transit both ways plus how late this process's event loop delivers it; only the lateness needs measuring, and it
 * is the same for every probe in flight at that moment. So the probe rounds that ask within one batching quantum
 * (200 ms) travel together: for each ping of the round, one precise timer measures the lateness, and each probe gets
 * its own link's round trip plus it. A timer per probe cost a 10,000-node network about a core: the precise timer
 * spins up to 1 ms before each deadline, and with thousands of probes a second it never stopped spinning. Batches
 * on a 200 ms grid bound that spinning to a few timers a second per process, whatever the network's size.
 *
 *   round(A→B), round(C→D), … (same 200 ms) ─► batch ─► ping 1: one precise delay of the shortest round trip,
 *       lateness L ─► peers still alive? ─► each: 2 × its transit + L ─► ping 2 … ─► each round's samples
 *
 * Round trips shorter than the smallest timer the link emulation uses are delivered at once there, and get no
 * lateness here. A round with a longer link is answered before its own pings would have come back: the samples are
 * what they would have measured, not when; and a round starts up to one quantum after it was asked for, which the
 * monitor's 1 s and 15 s periods do not notice.
 */
import type { LinkEmulation } from "../http/client.ts";
import { preciseDelay } from "../http/precise-timer.ts";
import { MIN_TIMER_MS, transitMs, type LocalPeer } from "./local-peers.ts";

interface PendingRound {
  /** One-way transit of a probe (no body) over the link, ms. */
  legMs: number;
  peer: LocalPeer;
  pings: number;
  /** Round trips so far, ms; undefined for a probe the peer did not answer (it was gone). */
  samples: (number | undefined)[];
  resolve(samples: (number | undefined)[]): void;
}

/** Rounds asked for within this many ms share a batch (and its timers). */
export const BATCH_QUANTUM_MS = 200;

let pending: PendingRound[] = [];
let scheduled = false;

/** Batches flushed and probes measured since the process started, to show what batching saves. */
export const probeBatchStats = { batches: 0, probes: 0 };

/**
 * A round of `pings` sequential latency probes to a co-located peer: each the emulated round trip as the traffic
 * would experience it in this process, or undefined once the peer is gone.
 */
export function probeRoundLocally(
  link: LinkEmulation | undefined,
  peer: LocalPeer,
  pings: number,
): Promise<(number | undefined)[]> {
  return new Promise((resolve) => {
    pending.push({ legMs: transitMs(link, () => 0), peer, pings, samples: [], resolve });
    if (!scheduled) {
      scheduled = true;
      // on a grid, so that the rounds of a whole worker meet in few batches; unref'd like the monitor's own timers
      const wait = BATCH_QUANTUM_MS - (performance.now() % BATCH_QUANTUM_MS);
      setTimeout(() => void flush(), wait).unref();
    }
  });
}

async function flush(): Promise<void> {
  scheduled = false;
  let open = pending;
  pending = [];
  probeBatchStats.batches += 1;
  const timedLeg = shortestTimedLeg(open);
  while (open.length > 0) {
    probeBatchStats.probes += open.length;
    const late = await lateness(timedLeg === undefined ? undefined : 2 * timedLeg);
    for (const r of open) {
      r.samples.push(r.peer.alive() ? 2 * r.legMs + (r.legMs < MIN_TIMER_MS ? 0 : late) : undefined);
    }
    open = open.filter((r) => {
      if (r.samples.length < r.pings) return true;
      r.resolve(r.samples);
      return false;
    });
  }
}

/** The shortest leg the link emulation would put on a timer, or undefined when every leg is delivered at once. */
function shortestTimedLeg(batch: readonly PendingRound[]): number | undefined {
  let shortest: number | undefined;
  for (const r of batch)
    if (r.legMs >= MIN_TIMER_MS && (shortest === undefined || r.legMs < shortest)) shortest = r.legMs;
  return shortest;
}

/** Waits `ms` on the precise timer and resolves with how late it fired, in ms (0 at once without a timed leg). */
function lateness(ms: number | undefined): Promise<number> {
  if (ms === undefined) return Promise.resolve(0);
  const due = performance.now() + ms;
  return new Promise((resolve) => preciseDelay(ms, () => resolve(Math.max(0, performance.now() - due))));
}
