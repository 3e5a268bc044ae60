/**
 * Small named checks strategies chain before forwarding a call for bids. Each returns data, not a boolean, so
 * the refusal it produces says why (STYLE principle 6).
 */
import { accumulate } from "./accumulate.ts";
import { REASONS, type AccumulatedLatency, type LatencyModel, type NeighbourView, type Sla } from "./types.ts";

export type LatencyCheck =
  { ok: true; acc: AccumulatedLatency; estimateMs: number } | { ok: false; reason: string; detail: string };

/**
 * Whether `neighbour` can be asked: its latency is known, and the worst-case time to deliver `sla.inputMaxSizeBytes`
 * along the path extended by that hop is within `sla.latencyMaxMs` (giraff.md §5.8; equal is feasible). On success
 * returns the accumulated latency to send to it.
 */
export function latencyFeasible(
  neighbour: NeighbourView,
  acc: AccumulatedLatency,
  sla: Sla,
  model: LatencyModel,
): LatencyCheck {
  if (neighbour.latency === undefined) {
    return { ok: false, reason: REASONS.latencyUnknown, detail: `no latency estimate for ${neighbour.id} yet` };
  }
  const next = accumulate(acc, neighbour.latency, neighbour.bandwidthBps);
  const estimateMs = model.estimateMs(next, sla.inputMaxSizeBytes);
  if (!(estimateMs <= sla.latencyMaxMs)) {
    return {
      ok: false,
      reason: REASONS.latencyTooHigh,
      detail:
        `worst case ${round(estimateMs)} ms (${model.name} model, ${sla.inputMaxSizeBytes} B, ` +
        `path median ${round(next.medianMs)} ms) > latencyMax ${round(sla.latencyMaxMs)} ms`,
    };
  }
  return { ok: true, acc: next, estimateMs };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
