/**
 * Request intervals and reservation durations (giraff.md §12.1): a draw of the chosen law times a multiplier,
 * rounded up to whole milliseconds; the duration then gets the cold-start and stop overheads and a floor, so every
 * reservation outlives its function's start-up and its last requests.
 */

export interface DurationOverheads {
  /** FUNCTION_COLD_START_OVERHEAD: time the function needs before its first request, in ms. */
  coldStartMs: number;
  /** FUNCTION_STOP_OVERHEAD: time kept after the last request (draining, collection), in ms. */
  stopMs: number;
  /** FUNCTION_MIN_DURATION: the shortest reservation, in ms. */
  minDurationMs: number;
}

/** ⌈|multiplier × draw|⌉ ms, at least 1. */
export function scaledMs(draw: number, multiplier: number): number {
  return Math.max(1, Math.ceil(Math.abs(multiplier * draw)));
}

/** `max(d + COLD_START + STOP, MIN_DURATION)`: the reservation length for a sampled duration `d` (ms). */
export function reservationDurationMs(sampledMs: number, overheads: DurationOverheads): number {
  return Math.max(sampledMs + overheads.coldStartMs + overheads.stopMs, overheads.minDurationMs);
}

/**
 * [paper] resource scaling: a stream faster than the function was sized for reserves proportionally more, by
 * `expectedIntervalMs / intervalMs` when that ratio exceeds 1 (mem and cpu rounded up).
 */
export function scaleResources(
  resources: { memoryMiB: number; cpuMilli: number },
  expectedIntervalMs: number,
  intervalMs: number,
): { memoryMiB: number; cpuMilli: number; ratio: number } {
  const ratio = expectedIntervalMs / intervalMs;
  if (!(ratio > 1)) return { ...resources, ratio: 1 };
  return {
    memoryMiB: Math.ceil(resources.memoryMiB * ratio),
    cpuMilli: Math.ceil(resources.cpuMilli * ratio),
    ratio,
  };
}
