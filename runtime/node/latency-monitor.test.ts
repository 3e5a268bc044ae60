import { afterEach, describe, expect, it } from "vitest";
import type { NeighbourLatencySnapshot } from "./latency-estimator.ts";
import { LatencyMonitor, realClock } from "./latency-monitor.ts";
import type { Clock } from "./latency-monitor.ts";

/** A manual clock: timers fire only inside `advance`, in time order, with promise jobs drained in between. */
class FakeClock implements Clock {
  t = 0;
  #nextId = 1;
  readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Moves time forward by `ms`, firing due timers. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await settle();
    }
    this.t = target;
  }
  pendingAt(): number[] {
    return [...this.timers.values()].map((x) => x.at).sort((a, b) => a - b);
  }
}

/** Drains promise jobs (setImmediate runs after the microtask queue is empty). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** A probe answering `rttMs` at once and counting calls per neighbour. */
function instantProbe(rttMs: number | undefined) {
  const calls = new Map<string, number>();
  return {
    calls,
    probe: async (id: string): Promise<number | undefined> => {
      calls.set(id, (calls.get(id) ?? 0) + 1);
      return rttMs;
    },
  };
}

let monitor: LatencyMonitor | undefined;
afterEach(async () => {
  await monitor?.stop();
  monitor = undefined;
});

describe("LatencyMonitor", () => {
  it("asks probeRound for whole rounds when given, halving each round trip and counting undefined as lost", async () => {
    const clock = new FakeClock();
    const rounds: number[] = [];
    const probeRound = async (_id: string, pings: number) => {
      rounds.push(pings);
      return [10, undefined, 12, 14, 16];
    };
    const snapshots: NeighbourLatencySnapshot[] = [];
    monitor = new LatencyMonitor(
      { probe: () => Promise.reject(new Error("single probes must not be used")), probeRound, clock },
      { onRound: (_id, s) => snapshots.push(s) },
    );
    monitor.add("child");
    await clock.advance(0);
    expect(rounds).toEqual([5, 5, 5, 5]); // warm-up: 4 rounds, one request each
    expect(snapshots.at(-1)).toMatchObject({ rawPacketLoss: 0.2 });
    expect(monitor.estimator.estimate("child")?.medianMs).toBe(6.5); // mean of 10, 12, 14 and 16, halved
  });

  it("probes one at a time a neighbour probeRound declines (undefined), as without probeRound", async () => {
    const clock = new FakeClock();
    const { probe, calls } = instantProbe(20);
    monitor = new LatencyMonitor({ probe, probeRound: () => Promise.resolve(undefined), clock });
    monitor.add("remote");
    await clock.advance(0);
    expect(calls.get("remote")).toBe(20); // warm-up: 4 rounds of 5 single probes
    expect(monitor.estimator.estimate("remote")?.medianMs).toBe(10);
  });

  it("stops at once when removed while a round is pending, and a failed round reads as all lost", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const never = () => (++calls === 1 ? Promise.reject(new Error("boom")) : new Promise<number[]>(() => undefined));
    monitor = new LatencyMonitor({ probe: () => Promise.resolve(1), probeRound: never, clock });
    monitor.add("child");
    await clock.advance(0);
    expect(calls).toBe(2);
    await monitor.remove("child"); // resolves although the second round never answers
    expect(monitor.has("child")).toBe(false);
  });

  it("settles with fast rounds for settleForMs after the add, then goes to periodMs", async () => {
    const clock = new FakeClock();
    const { probe, calls } = instantProbe(20);
    monitor = new LatencyMonitor({ probe, clock }, { settlePeriodMs: 1000, settleForMs: 3500 });
    monitor.add("parent");
    await clock.advance(0);
    expect(calls.get("parent")).toBe(20); // warm-up: 4 rounds back to back
    expect(clock.pendingAt()).toEqual([1000]);
    await clock.advance(3000);
    expect(calls.get("parent")).toBe(35); // rounds at 1, 2 and 3 s
    // the round at 3 s started before 3.5 s, so it waits 1 s more; the one at 4 s is past settling: 15 s next
    expect(clock.pendingAt()).toEqual([4000]);
    await clock.advance(1000);
    expect(calls.get("parent")).toBe(40);
    expect(clock.pendingAt()).toEqual([19_000]);
  });

  it("warms up with exactly 4 back-to-back rounds, then waits periodMs between rounds", async () => {
    const clock = new FakeClock();
    const { probe, calls } = instantProbe(20);
    const rounds: NeighbourLatencySnapshot[] = [];
    monitor = new LatencyMonitor({ probe, clock }, { onRound: (_id, s) => rounds.push(s) });
    expect(monitor.add("parent")).toBe(true);
    expect(calls.get("parent")).toBeUndefined(); // never probes synchronously

    await clock.advance(0);
    expect(calls.get("parent")).toBe(20); // 4 rounds × 5 probes
    expect(monitor.estimator.estimate("parent")).toEqual({ medianMs: 10, iqrMs: 0, averageMs: 10, packetLoss: 0 });
    expect(rounds).toHaveLength(1);
    expect(clock.pendingAt()).toEqual([15_000]);

    await clock.advance(14_999);
    expect(calls.get("parent")).toBe(20);
    await clock.advance(1);
    expect(calls.get("parent")).toBe(25);
    expect(rounds).toHaveLength(2);
    expect(clock.pendingAt()).toEqual([30_000]);
  });

  it("has an estimate after 2 s on a 100 ms link", async () => {
    const clock = new FakeClock();
    const probe = (): Promise<number> => new Promise((r) => clock.setTimeout(() => r(100.4), 100));
    monitor = new LatencyMonitor({ probe, clock });
    monitor.add("child");
    await clock.advance(1_999);
    expect(monitor.estimator.estimate("child")).toBeUndefined();
    await clock.advance(1);
    expect(monitor.estimator.estimate("child")?.medianMs).toBeCloseTo(50.2, 12);
  });

  it("stops a removed neighbour's rounds and forgets it, while others go on", async () => {
    const clock = new FakeClock();
    const { probe, calls } = instantProbe(2);
    monitor = new LatencyMonitor({ probe, clock }, { periodMs: 1_000 });
    monitor.add("a");
    monitor.add("b");
    await clock.advance(0);
    await monitor.remove("a");
    expect(monitor.neighbours()).toEqual(["b"]);
    expect(monitor.estimator.estimate("a")).toBeUndefined();
    await clock.advance(10_000);
    expect(calls.get("a")).toBe(20);
    expect(calls.get("b")).toBe(20 + 10 * 5);
    expect(clock.pendingAt()).toEqual([11_000]);
  });

  it("drops a round cut short by removal, and can re-add the neighbour afresh", async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    const probe = (_id: string, s: AbortSignal): Promise<number> => {
      signal = s;
      return new Promise(() => {}); // never answers
    };
    monitor = new LatencyMonitor({ probe, clock });
    monitor.add("a");
    await clock.advance(0);
    await monitor.remove("a"); // resolves although the probe never does
    expect(signal?.aborted).toBe(true);
    expect(monitor.estimator.rounds("a")).toBe(0);
    expect(monitor.add("a")).toBe(true);
  });

  it("never overlaps two rounds of the same neighbour, even when a round outlasts the period", async () => {
    const clock = new FakeClock();
    let inFlight = 0;
    let maxInFlight = 0;
    const probe = (): Promise<number> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((r) =>
        clock.setTimeout(() => {
          inFlight -= 1;
          r(4);
        }, 7_000),
      );
    };
    monitor = new LatencyMonitor({ probe, clock }, { periodMs: 1_000, pingsPerRound: 2 });
    monitor.add("slow");
    await clock.advance(200_000);
    expect(maxInFlight).toBe(1);
    // 4 warm-up rounds of 14 s, then rounds of 14 s + 1 s: 56 s + 9 × 15 s = 191 s
    expect(monitor.estimator.rounds("slow")).toBe(13);
  });

  it("counts lost and failed probes as loss, and leaves warm-up on a dead link", async () => {
    const clock = new FakeClock();
    let n = 0;
    const probe = async (): Promise<number | undefined> => {
      n += 1;
      if (n % 5 === 1) throw new Error("network unreachable");
      if (n % 5 === 2) return undefined;
      if (n % 5 === 3) return Number.NaN;
      return 8;
    };
    monitor = new LatencyMonitor({ probe, clock });
    monitor.add("lossy");
    await clock.advance(0);
    expect(monitor.estimator.estimate("lossy")).toEqual({ medianMs: 4, iqrMs: 0, averageMs: 4, packetLoss: 0.6 });

    const dead = instantProbe(undefined);
    const deadMonitor = new LatencyMonitor({ probe: dead.probe, clock }, { maxWarmupRounds: 3, periodMs: 500 });
    deadMonitor.add("dead");
    await clock.advance(0);
    expect(dead.calls.get("dead")).toBe(15);
    expect(deadMonitor.estimator.rounds("dead")).toBe(3);
    expect(clock.pendingAt()).toContain(500);
    await deadMonitor.stop();
  });

  it("keeps going when onRound throws, reporting through onError", async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    monitor = new LatencyMonitor(
      { probe: instantProbe(1).probe, clock },
      {
        onRound: () => {
          throw new Error("sink full");
        },
        onError: (_id, e) => errors.push(e),
      },
    );
    monitor.add("a");
    await clock.advance(15_000);
    expect(errors).toHaveLength(2);
    expect(monitor.estimator.rounds("a")).toBe(5);
  });

  it("stop cancels every timer, resolves with probes pending, and refuses new neighbours", async () => {
    const clock = new FakeClock();
    const m = new LatencyMonitor({ probe: instantProbe(1).probe, clock });
    m.add("a");
    m.add("b");
    await clock.advance(0);
    expect(clock.timers.size).toBe(2);
    await m.stop();
    expect(clock.timers.size).toBe(0);
    expect(m.add("c")).toBe(false);
    expect(m.estimator.estimate("a")).toBeDefined();

    const hanging = new LatencyMonitor({ probe: () => new Promise(() => {}), clock });
    hanging.add("a");
    await clock.advance(0);
    await expect(hanging.stop()).resolves.toBeUndefined();
  });

  it("rejects bad options", () => {
    const probe = instantProbe(1).probe;
    expect(() => new LatencyMonitor({ probe }, { pingsPerRound: 0 })).toThrow(/pingsPerRound/);
    expect(() => new LatencyMonitor({ probe }, { periodMs: 1.5 })).toThrow(/periodMs/);
  });

  it("uses unref'd timers on the real clock and stops cleanly with it", async () => {
    const handle = realClock.setTimeout(() => {}, 60_000) as ReturnType<typeof setTimeout>;
    expect(handle.hasRef()).toBe(false);
    realClock.clearTimeout(handle);

    const m = new LatencyMonitor({ probe: async () => 0.5 });
    m.add("a");
    await settle();
    expect(m.estimator.estimate("a")?.medianMs).toBe(0.25);
    await m.stop();
  });
});
