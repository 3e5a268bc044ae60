/**
 * The thin shell around {@link LatencyEstimator}: it probes each neighbour in rounds and feeds the results in.
 * Probing and time are injected effects, so tests drive it with a fake clock and a fake probe.
 *
 * Schedule per neighbour (giraff.md §5.4, sped up at start):
 *   add ─▶ warm-up: rounds back to back until an estimate exists (4 rounds with replies) ─▶ settling: one round
 *   every `settlePeriodMs` until `settleForMs` after the add (optional: washes out rounds inflated by a busy
 *   start) ─▶ one round every `periodMs` (GIRAFF's 15 s cron) ─▶ remove/stop.
 * With 5 probes a round and 100 ms links the estimate exists after ~2 s, instead of GIRAFF's ~60 s.
 *
 * Each neighbour has a single sequential loop, so a round never overlaps another round for the same neighbour
 * (GIRAFF spawns a new task every tick even while the previous one runs). A round is `pingsPerRound` sequential
 * probes; each reply gives a one-way sample RTT / 2, at the probe's full resolution (§17.5 fix).
 */
import { LatencyEstimator } from "./latency-estimator.ts";
import type { NeighbourLatencySnapshot } from "./latency-estimator.ts";

/** Time and timers. Handles are opaque to the monitor. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock; its timers are unref'd so a pending round never keeps the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LatencyMonitorEffects {
  /**
   * Measures one round-trip time to the neighbour, in ms (high resolution); undefined when the probe is lost or
   * times out. A rejection also counts as a lost probe. The signal aborts when the neighbour is removed or the
   * monitor stops; the monitor does not wait for a probe that ignores it.
   */
  probe(neighbourId: string, signal: AbortSignal): Promise<number | undefined>;
  /**
   * Optional: a whole round of `pings` sequential probes at once, as round-trip times (undefined for a lost probe),
   * or undefined for a neighbour it does not batch, which the monitor then probes one at a time with `probe`.
   * In-process peers are probed in batches (`in-process/probe-batch.ts`), where one request per round costs a
   * fifth of one per probe.
   */
  probeRound?(
    neighbourId: string,
    pings: number,
    signal: AbortSignal,
  ): Promise<readonly (number | undefined)[] | undefined>;
  clock?: Clock;
}

export interface LatencyMonitorOptions {
  /** Sequential probes per round; default 5. */
  pingsPerRound?: number;
  /** Time between rounds once warmed up, ms; default 15 000 (GIRAFF's cron period). */
  periodMs?: number;
  /** Rounds run back to back at start, even once an estimate exists (more rounds, steadier medians); default 4. */
  warmupRounds?: number;
  /**
   * After warm-up, rounds every `settlePeriodMs` until `settleForMs` have passed since the neighbour was added, then
   * every `periodMs`. Rounds measured while a whole network starts are inflated; a short fast phase replaces them
   * with clean ones within seconds, without keeping a fast probe load for the life of the network. Default: none.
   */
  settlePeriodMs?: number;
  settleForMs?: number;
  /** Warm-up gives up after this many rounds without an estimate (a dead link), then goes periodic; default 20. */
  maxWarmupRounds?: number;
  /** Where estimates are kept; shared so the node can read them. */
  estimator?: LatencyEstimator;
  /** Called after each round once the neighbour has an estimate, to emit `neighbor_latency`. */
  onRound?: (neighbourId: string, snapshot: NeighbourLatencySnapshot) => void;
  /** Called when `onRound` throws; the loop carries on. Default: log to stderr. */
  onError?: (neighbourId: string, error: unknown) => void;
}

interface Loop {
  controller: AbortController;
  /** Cuts the current sleep short. */
  wake: (() => void) | undefined;
  /** Ends the current probe's wait (with ABORTED). */
  interrupt: (() => void) | undefined;
  done: Promise<void>;
}

const ABORTED = Symbol("aborted");

export class LatencyMonitor {
  readonly estimator: LatencyEstimator;
  readonly #probe: LatencyMonitorEffects["probe"];
  readonly #probeRound: LatencyMonitorEffects["probeRound"];
  readonly #clock: Clock;
  readonly #pingsPerRound: number;
  readonly #periodMs: number;
  readonly #maxWarmupRounds: number;
  readonly #warmupRounds: number;
  readonly #settlePeriodMs: number;
  readonly #settleForMs: number;
  readonly #onRound: LatencyMonitorOptions["onRound"];
  readonly #onError: NonNullable<LatencyMonitorOptions["onError"]>;
  readonly #loops = new Map<string, Loop>();
  #stopped = false;

  constructor(effects: LatencyMonitorEffects, options: LatencyMonitorOptions = {}) {
    this.#probe = effects.probe;
    this.#probeRound = effects.probeRound;
    this.#clock = effects.clock ?? realClock;
    this.#pingsPerRound = positiveInteger("pingsPerRound", options.pingsPerRound ?? 5);
    this.#periodMs = positiveInteger("periodMs", options.periodMs ?? 15_000);
    this.#maxWarmupRounds = positiveInteger("maxWarmupRounds", options.maxWarmupRounds ?? 20);
    this.#warmupRounds = positiveInteger("warmupRounds", options.warmupRounds ?? 4);
    this.#settlePeriodMs = positiveInteger("settlePeriodMs", options.settlePeriodMs ?? this.#periodMs);
    this.#settleForMs = options.settleForMs === undefined ? 0 : positiveInteger("settleForMs", options.settleForMs);
    this.estimator = options.estimator ?? new LatencyEstimator();
    this.#onRound = options.onRound;
    this.#onError =
      options.onError ?? ((id, error) => console.error(`latency monitor: onRound failed for neighbour ${id}:`, error));
  }

  /** Starts probing a neighbour; returns false if it is already monitored or the monitor is stopped. */
  add(neighbourId: string): boolean {
    if (this.#stopped || this.#loops.has(neighbourId)) return false;
    const loop: Loop = {
      controller: new AbortController(),
      wake: undefined,
      interrupt: undefined,
      done: Promise.resolve(),
    };
    this.#loops.set(neighbourId, loop);
    loop.done = this.#run(neighbourId, loop);
    return true;
  }

  /** Stops probing a neighbour and forgets its estimate; resolves when its loop has ended. */
  remove(neighbourId: string): Promise<void> {
    const loop = this.#loops.get(neighbourId);
    if (loop === undefined) return Promise.resolve();
    this.#loops.delete(neighbourId);
    this.#cancel(loop);
    this.estimator.forget(neighbourId);
    return loop.done;
  }

  has(neighbourId: string): boolean {
    return this.#loops.has(neighbourId);
  }

  /** Monitored neighbours, sorted. */
  neighbours(): string[] {
    return [...this.#loops.keys()].sort();
  }

  /** Cancels every loop and timer; resolves once all loops have ended. Estimates stay readable. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const loops = [...this.#loops.values()];
    this.#loops.clear();
    for (const loop of loops) this.#cancel(loop);
    await Promise.all(loops.map((l) => l.done));
  }

  async #run(id: string, loop: Loop): Promise<void> {
    let warmupRounds = 0;
    const addedAt = this.#clock.now();
    while (!loop.controller.signal.aborted) {
      const samplesMs: number[] = [];
      const rtts = this.#probeRound === undefined ? undefined : await this.#roundOnce(id, loop);
      if (rtts === ABORTED) return;
      if (rtts !== undefined) {
        for (const rtt of rtts.slice(0, this.#pingsPerRound)) if (isRtt(rtt)) samplesMs.push(rtt / 2);
      } else {
        for (let i = 0; i < this.#pingsPerRound; i++) {
          const rtt = await this.#probeOnce(id, loop);
          if (rtt === ABORTED) return;
          if (rtt !== undefined) samplesMs.push(rtt / 2);
        }
      }
      const snapshot = this.estimator.record(id, { samplesMs, sent: this.#pingsPerRound, now: this.#clock.now() });
      if (snapshot !== undefined) this.#emit(id, snapshot);
      warmupRounds += 1;
      const warming =
        (snapshot === undefined || warmupRounds < this.#warmupRounds) && warmupRounds < this.#maxWarmupRounds;
      if (warming) continue;
      const settling = this.#clock.now() - addedAt < this.#settleForMs;
      await this.#sleep(loop, settling ? this.#settlePeriodMs : this.#periodMs);
    }
  }

  /**
   * One probe; lost, failed or nonsensical answers all read as undefined. Resolves to ABORTED as soon as the loop
   * is cancelled, without waiting for the probe: the loop holds the probe's resolver while it runs (rather than an
   * abort listener per probe, whose add and remove cost more than an in-process probe at 10,000 nodes).
   */
  #probeOnce(id: string, loop: Loop): Promise<number | undefined | typeof ABORTED> {
    const signal = loop.controller.signal;
    if (signal.aborted) return Promise.resolve(ABORTED);
    return new Promise((resolve) => {
      loop.interrupt = () => resolve(ABORTED);
      const settle = (rtt: number | undefined): void => {
        loop.interrupt = undefined;
        resolve(isRtt(rtt) ? rtt : undefined);
      };
      // never synchronously: add() returns before the first probe starts
      Promise.resolve()
        .then(() => this.#probe(id, signal))
        .then(settle, () => settle(undefined));
    });
  }

  /**
   * A whole round through `probeRound` (undefined when it declines the neighbour); a failed round reads as all probes
   * lost. Cancellable like a probe.
   */
  #roundOnce(id: string, loop: Loop): Promise<readonly (number | undefined)[] | undefined | typeof ABORTED> {
    const signal = loop.controller.signal;
    if (signal.aborted) return Promise.resolve(ABORTED);
    return new Promise((resolve) => {
      loop.interrupt = () => resolve(ABORTED);
      const settle = (rtts: readonly (number | undefined)[] | undefined): void => {
        loop.interrupt = undefined;
        resolve(rtts);
      };
      Promise.resolve()
        .then(() => this.#probeRound!(id, this.#pingsPerRound, signal))
        .then(settle, () => settle([]));
    });
  }

  #emit(id: string, snapshot: NeighbourLatencySnapshot): void {
    try {
      this.#onRound?.(id, snapshot);
    } catch (error) {
      this.#onError(id, error);
    }
  }

  #sleep(loop: Loop, ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (loop.controller.signal.aborted) return resolve();
      const handle = this.#clock.setTimeout(() => {
        loop.wake = undefined;
        resolve();
      }, ms);
      loop.wake = () => {
        this.#clock.clearTimeout(handle);
        loop.wake = undefined;
        resolve();
      };
    });
  }

  #cancel(loop: Loop): void {
    loop.controller.abort();
    loop.wake?.();
    loop.interrupt?.();
  }
}

function isRtt(rtt: number | undefined): rtt is number {
  return rtt !== undefined && Number.isFinite(rtt) && rtt >= 0;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Latency monitor option \`${name}\` must be a positive integer, got ${value}.`);
  }
  return value;
}
