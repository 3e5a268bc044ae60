/**
 * `quadratic`: GIRAFF's `quadratic_rates` (giraff.md §5.6), the marginal energy cost of adding load s for D
 * seconds when instantaneous power costs E·(AA·u² + BB·u).
 */
import type { CommittedFunction, ValuationInput, ValuationPlugin } from "../types.ts";
import { guarded, replicaFactor, requirePositive } from "./params.ts";

export const QUADRATIC_PARAMS = ["ratioAA", "ratioBB", "electricityPrice"] as const;

/**
 * U ≈ ∫₀ᴰ u(t) dt, the committed load over the new function's lifetime: Σ sᵢ·min(rᵢ, D).
 *
 * FIX (giraff.md §17.10): GIRAFF sums sᵢ·rᵢ over each function's *full* remaining time, so a long-running
 * neighbour inflates the cost of a short new function with load it will never overlap. Clipping at D makes U
 * the integral the formula's derivation actually needs.
 */
export function committedLoad(committed: readonly CommittedFunction[], durationS: number): number {
  let total = 0;
  for (const f of committed) total += f.cpuShare * Math.min(Math.max(0, f.remainingS), durationS);
  return total;
}

/** bid = price = E·s·(2·AA·U + (AA·s + BB)·D), with s = cpu × max(1, replicas) / available CPU, D in seconds. */
export function quadraticValue({ sla, resources, committed, params }: ValuationInput) {
  const { ratioAA: AA, ratioBB: BB, electricityPrice: E } = requirePositive("quadratic", params, QUADRATIC_PARAMS);
  const s = (sla.cpuMilli * replicaFactor(sla)) / resources.cpuAvailableMilli;
  const D = sla.durationMs / 1000;
  const U = committedLoad(committed, D);
  const bid = E * s * (2 * AA * U + (AA * s + BB) * D);
  return guarded("quadratic", { bid, price: bid, terms: { s, U, D } });
}

export const quadratic: ValuationPlugin = {
  name: "quadratic",
  validate(params) {
    requirePositive("quadratic", params, QUADRATIC_PARAMS);
  },
  value: quadraticValue,
};
