/**
 * GIRAFF's latency classes (giraff.md §12.3): a pipeline names a class per function, and the campaign gives each
 * class a value L in ms, the scale of the half-normal the latency bound is drawn from. HEAD and the Euro-Par paper
 * used different values.
 */

export const LATENCY_CLASS_NAMES = [
  "LOW_LATENCY",
  "HIGH_LATENCY",
  "HIGHER_LATENCY",
  "NO_LATENCY",
  "SUPER_NO_LATENCY",
] as const;
export type LatencyClassName = (typeof LATENCY_CLASS_NAMES)[number];
export type LatencyClassValues = Record<LatencyClassName, number>;

/** `.env` at HEAD. */
export const HEAD_LATENCY_CLASSES: LatencyClassValues = Object.freeze({
  LOW_LATENCY: 50,
  HIGH_LATENCY: 75,
  HIGHER_LATENCY: 200,
  NO_LATENCY: 1000,
  SUPER_NO_LATENCY: 10_000,
});

/** `.env` of the paper (v3.0.0). It sets no SUPER_NO_LATENCY; we keep HEAD's 10 s, the paper's NO_LATENCY value. */
export const PAPER_LATENCY_CLASSES: LatencyClassValues = Object.freeze({
  LOW_LATENCY: 20,
  HIGH_LATENCY: 75,
  HIGHER_LATENCY: 1000,
  NO_LATENCY: 10_000,
  SUPER_NO_LATENCY: 10_000,
});
