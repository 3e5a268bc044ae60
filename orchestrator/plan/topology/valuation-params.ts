/**
 * A node's valuation parameters, drawn per node as GIRAFF's `additional_env_vars(level)` does (giraff.md §11.1),
 * mapped to the topology schema's `valuation` fields: PRICING_CPU_INITIAL → `pricingCpuInitial`,
 * PRICING_MEM_INITIAL → `pricingMemInitial`, RATIO_AA → `ratioAA`, RATIO_BB → `ratioBB`, ELECTRICITY_PRICE →
 * `electricityPrice`. Every value is > 0, so both the linear and the quadratic valuation accept every node.
 */
import type { TopologyNode } from "../../../runtime/protocol/topology.ts";
import type { Draws } from "./draws.ts";
import type { Draw, TierValuation } from "./presets.ts";

/** GIRAFF's MAX_LOCATION: the tier level of the edge. */
const MAX_LOCATION = 3;

/**
 * `pricing(level)`: base = maxInitialPrice / (MAX_LOCATION − level + 1), price = base + U(−base, base) / 2,
 * i.e. uniform in [0.5·base, 1.5·base]: the further from the cloud, the dearer.
 */
export function initialPrice(level: number, maxInitialPrice: number, d: Draws): number {
  const location = MAX_LOCATION - level;
  if (location < 0) throw new RangeError(`Expected a pricing level between 0 and ${MAX_LOCATION}, got ${level}.`);
  const base = maxInitialPrice / (location + 1);
  return base + d.uniform(-base, base) / 2;
}

function drawValue(value: Draw, d: Draws): number {
  return typeof value === "number" ? value : d.uniform(value[0], value[1]);
}

/** The five parameters for one node, in GIRAFF's draw order (CPU price, memory price, AA, BB, E). */
export function drawValuation(
  valuation: TierValuation,
  maxInitialPrice: number,
  d: Draws,
): Required<TopologyNode["valuation"]> {
  const pricingCpuInitial = initialPrice(valuation.pricingLevel, maxInitialPrice, d);
  // A separate draw, halved: memory is priced at half the CPU's level on average.
  const pricingMemInitial = initialPrice(valuation.pricingLevel, maxInitialPrice, d) / 2;
  const ratioAA = drawValue(valuation.ratioAA, d);
  const ratioBB = drawValue(valuation.ratioBB, d);
  const electricityPrice = drawValue(valuation.electricityPrice, d);
  return { pricingCpuInitial, pricingMemInitial, ratioAA, ratioBB, electricityPrice };
}
