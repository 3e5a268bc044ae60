/**
 * Student-t draws as a normal over the root of a scaled chi-square: T = Z / √(χ²ₙ / n), with χ²ₙ = Gamma(n/2, 2).
 * The README's latency buckets draw from t with 10 degrees of freedom (giraff.md §12.2).
 */
import { sampleGamma } from "./gamma.ts";
import { standardNormal } from "./normal.ts";
import type { Random } from "./random.ts";

/** A draw from Student's t with `df` degrees of freedom. */
export function sampleStudentT(random: Random, df: number): number {
  if (!(df > 0)) throw new RangeError(`Expected positive degrees of freedom, got ${df}.`);
  const z = standardNormal(random);
  const chiSquare = sampleGamma(random, df / 2, 2);
  return z / Math.sqrt(chiSquare / df);
}
