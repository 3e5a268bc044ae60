/**
 * `cpu-utilisation`: what GIRAFF's maxcpu and mincpurandom builds bid (giraff.md §5.6). The auction compares CPU
 * utilisation, in basis points; the node's price stays the quadratic energy cost.
 */
import type { ValuationPlugin } from "../types.ts";
import { guarded, requirePositive } from "./params.ts";
import { QUADRATIC_PARAMS, quadraticValue } from "./quadratic.ts";

/** Basis points per unit: utilisation 1 (full) = 10 000 bp. */
const BP = 10_000;

export const cpuUtilisation: ValuationPlugin = {
  name: "cpu-utilisation",
  validate(params) {
    requirePositive("cpu-utilisation", params, QUADRATIC_PARAMS);
  },
  /** bid = used CPU / available CPU in bp, before this function (as GIRAFF); price = the quadratic valuation. */
  value(input) {
    const { cpuUsedMilli, cpuAvailableMilli } = input.resources;
    const utilisation = Math.max(0, cpuUsedMilli) / cpuAvailableMilli;
    const energy = quadraticValue(input);
    return guarded("cpu-utilisation", {
      bid: utilisation * BP,
      price: energy.price,
      terms: { utilisation, ...energy.terms },
    });
  },
};
