/**
 * `quadratic-giraff`: GIRAFF's `quadratic_rates` exactly (giraff.md §5.6), for measuring what our two changes to
 * it do (`runtime/README.md`, "Deviations from GIRAFF, measured"): s = cpu / available CPU without the replica
 * factor, and U = Σ sᵢ·rᵢ over each committed function's full remaining lifetime in whole seconds (§17.10).
 *
 * The sᵢ are what the node's resource tracker reports, which counts replicas (our accounting fix of §17.8, in
 * `runtime/node/resource-tracker.ts`); with one replica per function, as in the paper workload, they are GIRAFF's.
 * Select it like any valuation: `STRATEGIES="auction:quadratic-giraff"`, or `valuation: "quadratic-giraff"`.
 */
import type { ValuationPlugin } from "../types.ts";
import { GIRAFF_QUADRATIC, quadraticPlugin } from "./quadratic.ts";

export const quadraticGiraff: ValuationPlugin = quadraticPlugin("quadratic-giraff", GIRAFF_QUADRATIC);
