/**
 * `linear`: GIRAFF's `linear_rates` (giraff.md §5.6). The price is the share of the node's reserved memory and
 * CPU the function takes, each weighted by a per-node rate.
 */
import type { ValuationPlugin } from "../types.ts";
import { guarded, replicaFactor, requirePositive } from "./params.ts";

const REQUIRED = ["pricingCpuInitial", "pricingMemInitial"] as const;

export const linear: ValuationPlugin = {
  name: "linear",
  validate(params) {
    requirePositive("linear", params, REQUIRED);
  },
  /** bid = price = memShare × PRICING_MEM_INITIAL + cpuShare × PRICING_CPU_INITIAL. */
  value({ sla, resources, params }) {
    const { pricingCpuInitial, pricingMemInitial } = requirePositive("linear", params, REQUIRED);
    const memShare = (sla.memoryBytes * replicaFactor(sla)) / resources.memoryAvailableBytes;
    const cpuShare = (sla.cpuMilli * replicaFactor(sla)) / resources.cpuAvailableMilli;
    const bid = memShare * pricingMemInitial + cpuShare * pricingCpuInitial;
    return guarded("linear", { bid, price: bid, terms: { memShare, cpuShare } });
  },
};
