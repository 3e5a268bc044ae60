/**
 * Helpers shared by the valuation plugins: parameter validation, the SLA's resource demand, and the output guard.
 */
import { ConfigError } from "../../protocol/errors.ts";
import type { Sla, Valuation, ValuationParams } from "../types.ts";

/**
 * The parameters `names`, read as numbers; throws a ConfigError naming the first one that is missing, not finite,
 * or not positive.
 */
export function requirePositive<K extends keyof ValuationParams>(
  valuation: string,
  params: ValuationParams,
  names: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of names) {
    const value = params[name];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      const got = value === undefined ? "nothing" : JSON.stringify(value);
      throw new ConfigError(
        name,
        `The \`${valuation}\` valuation needs \`${name}\` to be a finite positive number, got ${got}.`,
      );
    }
    out[name] = value;
  }
  return out;
}

/**
 * Replicas multiply the reservation. GIRAFF's generator sends 0 for "unspecified", which still runs one copy,
 * hence max(1, replicas) (giraff.md §5.5 notes GIRAFF itself is inconsistent here).
 */
export function replicaFactor(sla: Sla): number {
  return Math.max(1, sla.replicas);
}

/**
 * Output guard. The market rejects non-finite or negative bids, and a zero price makes a second-price payment
 * worthless; GIRAFF panics on both (§5.6 step 5). Here they can only come from bad resources (zero available
 * CPU) or missing params, so we throw a RangeError naming the terms; the node shell turns it into a decline with
 * `REASONS.valuationFailed` rather than sending a bid nobody can compare.
 */
export function guarded(valuation: string, v: Valuation): Valuation {
  if (!Number.isFinite(v.bid) || v.bid < 0 || !Number.isFinite(v.price) || v.price <= 0) {
    const terms = Object.entries(v.terms)
      .map(([k, x]) => `${k}=${x}`)
      .join(", ");
    throw new RangeError(
      `The \`${valuation}\` valuation gave bid ${v.bid} and price ${v.price} (${terms}); ` +
        "a bid must be finite and ≥ 0 and a price finite and > 0.",
    );
  }
  return v;
}
