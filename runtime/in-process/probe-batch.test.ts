/**
 * Batched in-process probes: rounds asked for within one quantum share one batch and its timers, each sample is its
 * own link's emulated round trip plus the measured lateness, and a peer that goes away answers no more pings.
 */
import { describe, expect, it } from "vitest";
import type { LocalPeer } from "./local-peers.ts";
import { probeBatchStats, probeRoundLocally } from "./probe-batch.ts";

function peer(alive: () => boolean = () => true): LocalPeer {
  return {
    callForBids: () => Promise.resolve({ bids: [] }),
    accept: (slaId) => ({ slaId, nodeId: "n", bidId: "b" }),
    alive,
  };
}

describe("probe batches", () => {
  it("measures rounds asked together in one batch, each with its own link's round trip", async () => {
    const before = { ...probeBatchStats };
    const started = performance.now();
    const [short, long, instant] = await Promise.all([
      probeRoundLocally({ delayMs: 2 }, peer(), 5),
      probeRoundLocally({ delayMs: 15 }, peer(), 5),
      probeRoundLocally(undefined, peer(), 3),
    ]);
    expect(probeBatchStats.batches - before.batches).toBe(1);
    expect(probeBatchStats.probes - before.probes).toBe(13);
    expect(short).toHaveLength(5);
    expect(instant).toEqual([0, 0, 0]); // no emulated delay, no timer: delivered at once, as the link emulation does
    for (const [i, rtt] of short.entries()) {
      // the same lateness for both links at each ping: their samples differ by exactly the transit
      expect(rtt).toBeGreaterThanOrEqual(4);
      expect(long[i]! - rtt!).toBeCloseTo(26, 6);
    }
    // five sequential pings on the shortest link's timer (4 ms each), after waiting for the batching quantum
    expect(performance.now() - started).toBeGreaterThanOrEqual(20);
  });

  it("answers undefined for the pings after the peer has gone", async () => {
    let pings = 0;
    const leaving = peer(() => ++pings <= 2);
    const samples = await probeRoundLocally({ delayMs: 1 }, leaving, 4);
    expect(samples.map((s) => s === undefined)).toEqual([false, false, true, true]);
    expect(
      (
        await probeRoundLocally(
          { delayMs: 1 },
          peer(() => false),
          1,
        )
      )[0],
    ).toBeUndefined();
  });
});
