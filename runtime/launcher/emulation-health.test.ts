import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { memoryEventSink } from "../events/writer.ts";
import { preciseDelay } from "../http/precise-timer.ts";
import { metricEventSchema, type EventOf } from "../protocol/events.ts";
import { startEmulationHealth, type EmulationHealthEffects, type LoopDelaySampler } from "./emulation-health.ts";

const MS = 1e6;

/** Effects driven by the test: a clock it sets, a tick it fires, loop samples and slack it records (in ms). */
function fakeHealthEffects() {
  let now = 0;
  let tick: (() => void) | undefined;
  const loops: (RecordableHistogram & LoopDelaySampler & { enabled: boolean })[] = [];
  const slackObservers = new Set<RecordableHistogram>();
  const effects: EmulationHealthEffects = {
    now: () => now,
    every(_ms, fn) {
      tick = fn;
      return () => (tick = undefined);
    },
    loopDelay() {
      const h = createHistogram();
      const sampler = Object.assign(h, { enabled: true, disable: () => void (sampler.enabled = false) });
      loops.push(sampler);
      return sampler;
    },
    observeTimerSlack(h) {
      slackObservers.add(h);
      return () => void slackObservers.delete(h);
    },
    histogram: () => createHistogram(),
  };
  return {
    effects,
    /** Moves the clock to `t` ms and fires the periodic tick. */
    tickAt(t: number) {
      now = t;
      tick!();
    },
    at(t: number) {
      now = t;
    },
    /** One event-loop sample of `ms` (the sampling period included, as the real sampler reports it). */
    loopSample: (ms: number) => loops.forEach((l) => l.record(Math.round(ms * MS))),
    slack: (ms: number) => slackObservers.forEach((h) => h.record(Math.round(ms * MS))),
    loops,
    slackObservers,
    ticking: () => tick !== undefined,
  };
}

type Health = EventOf<"emulation_health">;
const healthEvents = (events: { kind: string }[]) => events.filter((e): e is Health => e.kind === "emulation_health");

describe("startEmulationHealth", () => {
  it("emits each window's loop lag and timer slack, then resets them, and a last partial window at stop", () => {
    const fake = fakeHealthEffects();
    const sink = memoryEventSink({ run: "r", source: "nodes-0" });
    fake.at(100);
    const monitor = startEmulationHealth({ events: sink, nodes: 7, periodMs: 1000 }, fake.effects);

    // window 1: loop samples of 1 ms period + lags 0, 0, 4 ms; three delays fired 0.2, 0.2 and 30 ms late
    for (const x of [1, 1, 5]) fake.loopSample(x);
    for (const x of [0.2, 0.2, 30]) fake.slack(x);
    fake.tickAt(1100);
    // window 2: no delays; the loop lagged 2 ms once
    fake.loopSample(3);
    fake.tickAt(2150);
    // shutdown 400 ms into window 3, with one delay 1 ms late
    fake.slack(1);
    fake.at(2550);
    monitor.stop();
    monitor.stop();

    const events = healthEvents(sink.events);
    for (const e of events) metricEventSchema.parse(e);
    const round = (x: number) => Math.round(x * 100) / 100;
    const view = (e: Health) => ({
      ...e,
      loopLagP50Ms: round(e.loopLagP50Ms),
      loopLagP99Ms: round(e.loopLagP99Ms),
      loopLagMaxMs: round(e.loopLagMaxMs),
      timerSlackP50Ms: round(e.timerSlackP50Ms),
      timerSlackP99Ms: round(e.timerSlackP99Ms),
      timerSlackMaxMs: round(e.timerSlackMaxMs),
    });
    // histograms keep 3 significant digits: 30 ms reads back as 30.0xx ms
    expect(events.map(view)).toEqual([
      {
        ...{ t: expect.any(Number), run: "r", source: "nodes-0", kind: "emulation_health" },
        ...{ windowMs: 1000, nodes: 7, final: false, loopLagP50Ms: 0, loopLagP99Ms: 4, loopLagMaxMs: 4 },
        ...{ timerDelays: 3, timerSlackP50Ms: 0.2, timerSlackP99Ms: 30.02, timerSlackMaxMs: 30.02 },
      },
      {
        ...{ t: expect.any(Number), run: "r", source: "nodes-0", kind: "emulation_health" },
        ...{ windowMs: 1050, nodes: 7, final: false, loopLagP50Ms: 2, loopLagP99Ms: 2, loopLagMaxMs: 2 },
        ...{ timerDelays: 0, timerSlackP50Ms: 0, timerSlackP99Ms: 0, timerSlackMaxMs: 0 },
      },
      {
        ...{ t: expect.any(Number), run: "r", source: "nodes-0", kind: "emulation_health" },
        ...{ windowMs: 400, nodes: 7, final: true, loopLagP50Ms: 0, loopLagP99Ms: 0, loopLagMaxMs: 0 },
        ...{ timerDelays: 1, timerSlackP50Ms: 1, timerSlackP99Ms: 1, timerSlackMaxMs: 1 },
      },
    ]);
    // stopped: no tick, no observer, the sampler disabled
    expect([fake.ticking(), fake.slackObservers.size, fake.loops.map((l) => l.enabled)]).toEqual([false, 0, [false]]);
  });

  it("by default measures the slack of the precise timer that applies link delays", async () => {
    const sink = memoryEventSink({ run: "r", source: "nodes-0" });
    const monitor = startEmulationHealth({ events: sink, nodes: 1, periodMs: 60_000 });
    await Promise.all([2, 3, 5].map((ms) => new Promise<void>((resolve) => preciseDelay(ms, resolve))));
    monitor.stop();
    await new Promise<void>((resolve) => preciseDelay(2, resolve)); // unobserved: not counted
    const [final] = healthEvents(sink.events);
    expect([healthEvents(sink.events).length, final!.final, final!.timerDelays]).toEqual([1, true, 3]);
    expect(final!.timerSlackMaxMs).toBeGreaterThan(0);
    expect(final!.loopLagMaxMs).toBeGreaterThanOrEqual(0);
  });
});
