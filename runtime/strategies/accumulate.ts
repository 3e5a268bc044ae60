/**
 * Adding one hop to an accumulated path latency (giraff.md §3.3). The result is what a node sends to the
 * neighbour it forwards a call for bids to, and what the latency model judges.
 */
import type { AccumulatedLatency, LinkEstimate } from "./types.ts";

/** IQR of a normal distribution in standard deviations: IQR / 1.349 is the normal-equivalent σ. */
export const IQR_PER_SIGMA = 1.349;

/**
 * `acc ⊕ hop`: medians and averages add up, uncertainties (σ) add in quadrature, the bottleneck bandwidth is the
 * minimum, and losses compound.
 *
 * FIX (giraff.md §17.4): GIRAFF multiplies the losses (`a × b`), which stays 0 forever since paths start at 0.
 * A packet survives the path only if it survives every hop, so the path loss is `1 − (1 − a)(1 − b)`.
 * Consequence: on lossy links the TCP model's loss term is no longer always infinite (see `latency-models.ts`).
 */
export function accumulate(acc: AccumulatedLatency, hop: LinkEstimate, bandwidthBps: number): AccumulatedLatency {
  return {
    medianMs: acc.medianMs + hop.medianMs,
    averageMs: acc.averageMs + hop.averageMs,
    uncertaintyMs: Math.hypot(acc.uncertaintyMs, hop.iqrMs / IQR_PER_SIGMA),
    packetLoss: 1 - (1 - clampUnit(acc.packetLoss)) * (1 - clampUnit(hop.packetLoss)),
    bandwidthBps: Math.min(acc.bandwidthBps, bandwidthBps),
  };
}

/** Loss ratios come from a mean of per-round ratios; clamp so a rounding slip cannot push the product outside [0, 1]. */
function clampUnit(x: number): number {
  return Math.min(1, Math.max(0, x));
}
