/**
 * Per-neighbour one-way latency estimates, fed with probe rounds (giraff.md §5.4). Pure: the caller supplies the
 * samples and the time; {@link LatencyMonitor} is the shell that probes and schedules.
 *
 * Each round updates an EMA (α 0.3) and a moving median (window 50) of the round's mean one-way latency, and a
 * ring (window 50) of the round's loss ratio. An estimate exists once the median does (≥ 4 rounds with samples).
 *
 * Fix of giraff.md §17.5: GIRAFF truncates each RTT to whole milliseconds before halving it, so sub-millisecond
 * links read 0 ms. Here samples are taken as given: the monitor halves a high-resolution RTT, so a 0.4 ms RTT
 * gives a 0.2 ms sample.
 *
 * Unlike GIRAFF, where a round with no reply is only logged, an all-lost round counts in the loss ring (loss 1);
 * it adds no latency sample, since there is none.
 */
import type { LinkEstimate } from "../strategies/types.ts";
import { Ema } from "./stats/ema.ts";
import { MeanRing } from "./stats/mean-ring.ts";
import { median, MovingMedian } from "./stats/moving-median.ts";

/** One probe round towards one neighbour. */
export interface ProbeRound {
  /** One-way samples (RTT / 2) of the probes that got a reply, in ms. */
  samplesMs: readonly number[];
  /** Probes sent in the round, ≥ the number of samples. */
  sent: number;
  /** End of the round, epoch ms. */
  now: number;
}

/** The fields of a `neighbor_latency` event (runtime/protocol/events.ts) for one neighbour. */
export interface NeighbourLatencySnapshot {
  neighborId: string;
  /** Mean one-way latency of the last round that got replies, ms. */
  rawMs: number;
  /** EMA of the round means, ms. */
  averageMs: number;
  medianMs: number;
  iqrMs: number;
  /** Loss ratio of the last round. */
  rawPacketLoss: number;
  /** Mean loss ratio over the loss ring. */
  packetLoss: number;
}

export type RoundStatistic = "mean" | "median" | "min";

export interface LatencyEstimatorOptions {
  /** EMA weight of the newest round; GIRAFF: 0.3. */
  alpha?: number;
  /** Rounds kept by the moving median; GIRAFF: 50. */
  medianWindow?: number;
  /** Rounds kept by the loss ring; GIRAFF: 50. */
  lossWindow?: number;
  /**
   * How a round's samples become the round's latency. GIRAFF takes the mean of 100 pings ("mean", the default).
   * "median" is what most probes of the round experienced. "min" suits emulated links, whose delay has no jitter:
   * anything above the fastest probe is the host being busy (nodes starting, other processes), not the link.
   */
  roundStatistic?: RoundStatistic;
}

interface NeighbourState {
  ema: Ema;
  median: MovingMedian;
  loss: MeanRing;
  rawMs: number | undefined;
  rawLoss: number;
  rounds: number;
  updatedAt: number;
  /** The snapshot as of the last round (null: not computed since); every call for bids reads it. */
  cached: NeighbourLatencySnapshot | undefined | null;
  /** The estimate as of the last round (null: not computed since). */
  estimate: LinkEstimate | undefined | null;
}

export class LatencyEstimator {
  readonly #alpha: number;
  readonly #medianWindow: number;
  readonly #lossWindow: number;
  readonly #roundStatistic: RoundStatistic;
  readonly #neighbours = new Map<string, NeighbourState>();

  constructor(options: LatencyEstimatorOptions = {}) {
    this.#alpha = options.alpha ?? 0.3;
    this.#medianWindow = options.medianWindow ?? 50;
    this.#lossWindow = options.lossWindow ?? 50;
    this.#roundStatistic = options.roundStatistic ?? "mean";
    // Fail at construction rather than at the first round.
    this.#create();
  }

  /** Feeds one round; returns the neighbour's snapshot when an estimate exists. */
  record(neighbourId: string, round: ProbeRound): NeighbourLatencySnapshot | undefined {
    const { samplesMs, sent, now } = round;
    if (!Number.isInteger(sent) || sent < 1 || samplesMs.length > sent) {
      throw new RangeError(
        `A probe round needs sent ≥ 1 and ≥ samples, got sent ${sent}, ${samplesMs.length} samples.`,
      );
    }
    if (!samplesMs.every((s) => Number.isFinite(s) && s >= 0)) {
      throw new RangeError(`Latency samples must be finite and ≥ 0 ms, got [${samplesMs.join(", ")}].`);
    }
    let state = this.#neighbours.get(neighbourId);
    if (state === undefined) {
      state = this.#create();
      this.#neighbours.set(neighbourId, state);
    }
    state.cached = null;
    state.estimate = null;
    state.rawLoss = (sent - samplesMs.length) / sent;
    state.loss.push(state.rawLoss);
    state.rounds += 1;
    state.updatedAt = now;
    if (samplesMs.length > 0) {
      state.rawMs = roundValue(this.#roundStatistic, samplesMs);
      state.ema.push(state.rawMs);
      state.median.push(state.rawMs);
    }
    return this.snapshotOf(neighbourId);
  }

  /** The current estimate, or undefined until 4 rounds with replies exist (strategies then skip the neighbour). */
  estimate(neighbourId: string): LinkEstimate | undefined {
    const state = this.#neighbours.get(neighbourId);
    if (state === undefined) return undefined;
    if (state.estimate === null) {
      const s = this.snapshotOf(neighbourId);
      state.estimate = s && { medianMs: s.medianMs, iqrMs: s.iqrMs, averageMs: s.averageMs, packetLoss: s.packetLoss };
    }
    return state.estimate;
  }

  snapshotOf(neighbourId: string): NeighbourLatencySnapshot | undefined {
    const state = this.#neighbours.get(neighbourId);
    if (state === undefined) return undefined;
    if (state.cached === null) state.cached = snapshotOf(neighbourId, state);
    return state.cached;
  }

  /** Snapshots of every neighbour that has an estimate, ordered by neighbour id. */
  snapshot(): NeighbourLatencySnapshot[] {
    const out: NeighbourLatencySnapshot[] = [];
    for (const id of [...this.#neighbours.keys()].sort()) {
      const s = this.snapshotOf(id);
      if (s) out.push(s);
    }
    return out;
  }

  /** Rounds recorded for the neighbour, including all-lost ones. */
  rounds(neighbourId: string): number {
    return this.#neighbours.get(neighbourId)?.rounds ?? 0;
  }

  /** Time of the neighbour's last round, epoch ms; undefined if none. */
  lastRoundAt(neighbourId: string): number | undefined {
    return this.#neighbours.get(neighbourId)?.updatedAt;
  }

  /** Drops everything known about the neighbour (it left, or was re-registered elsewhere). */
  forget(neighbourId: string): void {
    this.#neighbours.delete(neighbourId);
  }

  #create(): NeighbourState {
    return {
      ema: new Ema(this.#alpha),
      median: new MovingMedian(this.#medianWindow),
      loss: new MeanRing(this.#lossWindow),
      rawMs: undefined,
      rawLoss: 0,
      rounds: 0,
      updatedAt: 0,
      cached: null,
      estimate: null,
    };
  }
}

function snapshotOf(neighborId: string, state: NeighbourState): NeighbourLatencySnapshot | undefined {
  const summary = state.median.summary();
  const averageMs = state.ema.value;
  const packetLoss = state.loss.mean();
  if (summary === undefined || averageMs === undefined || packetLoss === undefined || state.rawMs === undefined) {
    return undefined;
  }
  return {
    neighborId,
    rawMs: state.rawMs,
    averageMs,
    medianMs: summary.median,
    iqrMs: summary.iqr,
    rawPacketLoss: state.rawLoss,
    packetLoss,
  };
}

function roundValue(statistic: RoundStatistic, xs: readonly number[]): number {
  if (statistic === "min") return Math.min(...xs);
  if (statistic === "median") return median([...xs].sort((a, b) => a - b));
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}
