/**
 * The `reduction` complication (giraff.md §5.6 step 3): a node that is itself a data source of the function
 * discounts its bid, to favour co-locating a function with its data. A wrapper rather than an input flag, so any
 * valuation can take it and the decision stays visible in the plugin's name and terms.
 */
import type { Sla, ValuationPlugin } from "../types.ts";
import { guarded } from "./params.ts";

export const REDUCTION_FACTOR = 0.75;

/** True when some `dataFlow` endpoint (from or to) is `{dataSource: nodeId}`. */
export function isDataSource(sla: Sla, nodeId: string): boolean {
  return sla.dataFlow.some(({ from, to }) =>
    [from, to].some((end) => end !== "thisFunction" && end.dataSource === nodeId),
  );
}

/** `plugin` with bid × 0.75 on node `nodeId` when it is a data source of the SLA. Only the bid changes, not the price. */
export function withReduction(plugin: ValuationPlugin, nodeId: string): ValuationPlugin {
  const name = `${plugin.name}+reduction`;
  return {
    name,
    validate: (params) => plugin.validate(params),
    value(input) {
      const v = plugin.value(input);
      if (!isDataSource(input.sla, nodeId)) return { ...v, terms: { ...v.terms, reduction: 1 } };
      return guarded(name, { ...v, bid: v.bid * REDUCTION_FACTOR, terms: { ...v.terms, reduction: REDUCTION_FACTOR } });
    },
  };
}
