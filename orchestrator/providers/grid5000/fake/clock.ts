/**
 * The fake's virtual clock: time moves only when a test says so, and `advance` stops at every instant where a job
 * or deployment is due to change, so state timestamps do not depend on how a test chunks its advances.
 */

export interface DueSource {
  /** The next instant (Unix seconds) strictly after `nowS` at which something changes, if any. */
  nextDue(nowS: number): number | undefined;
  /** Applies every change due at or before `nowS`; true when something changed. */
  tick(nowS: number): boolean;
}

/** 2026-05-01 08:00 in Paris: a weekday morning, so day/night questions have a clear answer in tests. */
export const DEFAULT_START_MS = Date.UTC(2026, 4, 1, 6, 0, 0);

export class VirtualClock {
  #nowMs: number;
  readonly #sources: DueSource[] = [];

  constructor(startMs: number = DEFAULT_START_MS) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  nowS(): number {
    return Math.floor(this.#nowMs / 1000);
  }

  watch(source: DueSource): void {
    this.#sources.push(source);
  }

  /** Applies what is due now (after a request changed the state). */
  settle(): void {
    // One source's change (resources freed) can unblock another's (a queued job), hence the loop.
    for (let changed = true; changed;) {
      changed = false;
      for (const s of this.#sources) changed = s.tick(this.nowS()) || changed;
    }
  }

  /** Moves time forward by `ms`, stopping at each due instant on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`The virtual clock only moves forward, got ${ms} ms.`);
    const target = this.#nowMs + ms;
    for (;;) {
      this.settle();
      const next = this.#sources
        .map((s) => s.nextDue(this.nowS()))
        .filter((t): t is number => t !== undefined && t * 1000 <= target)
        .reduce<number | undefined>((a, b) => (a === undefined || b < a ? b : a), undefined);
      if (next === undefined) break;
      this.#nowMs = Math.max(this.#nowMs, next * 1000);
    }
    this.#nowMs = target;
    this.settle();
  }
}
