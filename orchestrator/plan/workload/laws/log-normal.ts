/**
 * Log-normal draws: the Azure-trace fit (Shahrad et al.) that GIRAFF's 2023 – early 2024 Python generator used for
 * request intervals and durations (giraff.md §12.2): LogNormal(μ = −0.38, σ = 2.36) in seconds, whose median is
 * e^μ ≈ 0.68 s and whose 99th percentile is ≈ 166 s, matching the README's "median 600 ms, p99 > 140 s".
 */
import { standardNormal } from "./normal.ts";
import type { Random } from "./random.ts";

export interface LogNormalLaw {
  /** Mean of the logarithm. */
  mu: number;
  /** Standard deviation of the logarithm. */
  sigma: number;
}

/** The Azure Functions fit, in seconds. */
export const AZURE_LOG_NORMAL: LogNormalLaw = Object.freeze({ mu: -0.38, sigma: 2.36 });

/** A draw from LogNormal(μ, σ). */
export function sampleLogNormal(random: Random, law: LogNormalLaw): number {
  return Math.exp(law.mu + law.sigma * standardNormal(random));
}
