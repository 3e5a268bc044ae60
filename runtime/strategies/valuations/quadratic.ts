/**
 * `quadratic`: GIRAFF's `quadratic_rates` (giraff.md §5.6), the marginal energy cost of adding load s for D
 * seconds when instantaneous power costs E·(AA·u² + BB·u). Two of its terms differ from GIRAFF's on purpose; both
 * are options of {@link quadraticPlugin}, and `quadratic-giraff` (`quadratic-giraff.ts`) turns both back.
 */
import type { CommittedFunction, ValuationInput, ValuationPlugin } from "../types.ts";
import { guarded, replicaFactor, requirePositive } from "./params.ts";

export const QUADRATIC_PARAMS = ["ratioAA", "ratioBB", "electricityPrice"] as const;

/** How the two terms GIRAFF and we compute differently are computed. */
export interface QuadraticOptions {
  /**
   * s = cpu × max(1, replicas) / available CPU (true, ours: the share the function actually takes, as admission and
   * accounting count it) or cpu / available CPU (false, GIRAFF).
   */
  replicasInShare: boolean;
  /**
   * U = Σ sᵢ·min(rᵢ, D) (`clipped`, ours, {@link committedLoad}) or Σ sᵢ·⌊rᵢ⌋ over full remaining lifetimes in
   * whole seconds (`full`, GIRAFF, {@link fullCommittedLoad}).
   */
  committedLoad: "clipped" | "full";
}

/** Ours, the default of the `quadratic` valuation. */
export const OUR_QUADRATIC: Readonly<QuadraticOptions> = { replicasInShare: true, committedLoad: "clipped" };
/** GIRAFF's exact terms (giraff.md §5.6, §17.10). */
export const GIRAFF_QUADRATIC: Readonly<QuadraticOptions> = { replicasInShare: false, committedLoad: "full" };

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

/** GIRAFF's U: Σ sᵢ·rᵢ with rᵢ the whole seconds left of each committed function (0 if past), not clipped at D. */
export function fullCommittedLoad(committed: readonly CommittedFunction[]): number {
  let total = 0;
  for (const f of committed) total += f.cpuShare * Math.max(0, Math.floor(f.remainingS));
  return total;
}

/** bid = price = E·s·(2·AA·U + (AA·s + BB)·D), D in seconds, s and U as `options` say. */
export function quadraticWith(options: QuadraticOptions, name = "quadratic") {
  return ({ sla, resources, committed, params }: ValuationInput) => {
    const { ratioAA: AA, ratioBB: BB, electricityPrice: E } = requirePositive(name, params, QUADRATIC_PARAMS);
    const replicas = options.replicasInShare ? replicaFactor(sla) : 1;
    const s = (sla.cpuMilli * replicas) / resources.cpuAvailableMilli;
    const D = sla.durationMs / 1000;
    const U = options.committedLoad === "clipped" ? committedLoad(committed, D) : fullCommittedLoad(committed);
    const bid = E * s * (2 * AA * U + (AA * s + BB) * D);
    return guarded(name, { bid, price: bid, terms: { s, U, D } });
  };
}

/** Ours: s = cpu × max(1, replicas) / available CPU, U clipped at D. */
export const quadraticValue = quadraticWith(OUR_QUADRATIC);

/** A quadratic valuation named `name` with the given terms (the registry holds ours and GIRAFF's). */
export function quadraticPlugin(name: string, options: QuadraticOptions): ValuationPlugin {
  return {
    name,
    validate(params) {
      requirePositive(name, params, QUADRATIC_PARAMS);
    },
    value: quadraticWith(options, name),
  };
}

export const quadratic: ValuationPlugin = quadraticPlugin("quadratic", OUR_QUADRATIC);
