/**
 * Emulation health: how much the machine itself distorts the emulated network. On this testbed dozens of nodes,
 * their proxies and their functions share a few event loops, so a request can sit in a busy loop after its link
 * delay is over, and the hop takes longer than the link it crossed. Each process that hosts nodes measures, per
 * window (every second by default, and once more at shutdown for the last partial window), and emits as an
 * `emulation_health` event:
 *
 * - loop lag: event-loop delay (`monitorEventLoopDelay`, sampled every `resolutionMs`) beyond the sampling period;
 * - timer slack: how late each emulated link delay fired after its intended time (`precise-timer.ts`).
 *
 * Both are native histograms (no array per sample), reset each window. Analysis keeps the windows that overlap a
 * run's requests (orchestrator/analysis/views/16-run_emulation.sql): start-up and deployment stall far more than
 * the period when requests flow, and would otherwise dominate a run's figures.
 */
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from "node:perf_hooks";
import type { EventSink } from "../events/writer.ts";
import { observeTimerSlack } from "../http/precise-timer.ts";

/** What the monitor reads from a histogram. Values are in nanoseconds, as Node's histograms give them. */
export interface HistogramReading {
  readonly count: number;
  readonly max: number;
  percentile(p: number): number;
}

export interface LoopDelaySampler extends HistogramReading {
  reset(): void;
  disable(): void;
}

export interface EmulationHealthEffects {
  /** Monotonic clock in ms. */
  now(): number;
  /** Calls `tick` every `ms` without keeping the process alive; returns the function that stops it. */
  every(ms: number, tick: () => void): () => void;
  /** Starts sampling event-loop delay every `resolutionMs`; readings include the period itself. */
  loopDelay(resolutionMs: number): LoopDelaySampler;
  /** Records each emulated delay's slack into `histogram` until the returned function is called. */
  observeTimerSlack(histogram: RecordableHistogram): () => void;
  /** A fresh histogram for the slack, in ns. */
  histogram(): RecordableHistogram;
}

export const defaultHealthEffects: EmulationHealthEffects = {
  now: () => performance.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  loopDelay(resolutionMs) {
    const h = monitorEventLoopDelay({ resolution: resolutionMs });
    h.enable();
    return h;
  },
  observeTimerSlack,
  histogram: () => createHistogram(),
};

export interface EmulationHealthOptions {
  events: EventSink;
  /** How many fog nodes this process hosts (stamped on each event). */
  nodes: number;
  /** Window length in ms (default 1000). */
  periodMs?: number;
  /** Event-loop sampling period in ms (default 1, the finest Node offers). */
  resolutionMs?: number;
}

export interface EmulationHealthMonitor {
  /** Emits the current (partial) window and stops measuring; later calls do nothing. */
  stop(): void;
}

const NS_PER_MS = 1e6;
const ms = (ns: number) => ns / NS_PER_MS;

/** Starts measuring; the first event comes one period later. */
export function startEmulationHealth(
  opts: EmulationHealthOptions,
  effects: EmulationHealthEffects = defaultHealthEffects,
): EmulationHealthMonitor {
  const periodMs = opts.periodMs ?? 1000;
  const resolutionNs = (opts.resolutionMs ?? 1) * NS_PER_MS;
  const loop = effects.loopDelay(opts.resolutionMs ?? 1);
  const slack = effects.histogram();
  const unobserve = effects.observeTimerSlack(slack);
  let windowStart = effects.now();
  // a sampler's reading includes its own period: the lag is what lies beyond it
  const lagMs = (ns: number) => (loop.count === 0 ? 0 : Math.max(0, ms(ns - resolutionNs)));
  const slackMs = (ns: number) => (slack.count === 0 ? 0 : ms(ns));

  const emit = (final: boolean) => {
    const now = effects.now();
    opts.events.emit({
      kind: "emulation_health",
      windowMs: now - windowStart,
      nodes: opts.nodes,
      final,
      loopLagP50Ms: lagMs(loop.percentile(50)),
      loopLagP99Ms: lagMs(loop.percentile(99)),
      loopLagMaxMs: lagMs(loop.max),
      timerDelays: slack.count,
      timerSlackP50Ms: slackMs(slack.percentile(50)),
      timerSlackP99Ms: slackMs(slack.percentile(99)),
      timerSlackMaxMs: slackMs(slack.max),
    });
    windowStart = now;
    loop.reset();
    slack.reset();
  };
  const stopTicking = effects.every(periodMs, () => emit(false));
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      stopTicking();
      emit(true);
      unobserve();
      loop.disable();
    },
  };
}
