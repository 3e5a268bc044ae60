/** The valuation registry: pick a plugin by the name in the node's config; an unknown name is a config error. */
import { pickByName } from "../../util/registry.ts";
import type { ValuationPlugin } from "../types.ts";
import { cpuUtilisation } from "./cpu-utilisation.ts";
import { linear } from "./linear.ts";
import { quadratic } from "./quadratic.ts";
import { quadraticGiraff } from "./quadratic-giraff.ts";

export const VALUATIONS = {
  linear,
  quadratic,
  "quadratic-giraff": quadraticGiraff,
  "cpu-utilisation": cpuUtilisation,
} as const satisfies Record<string, ValuationPlugin>;

export type ValuationName = keyof typeof VALUATIONS;

export function valuation(name: string): ValuationPlugin {
  return pickByName(VALUATIONS, "valuation", name);
}

export {
  committedLoad,
  fullCommittedLoad,
  GIRAFF_QUADRATIC,
  OUR_QUADRATIC,
  QUADRATIC_PARAMS,
  quadraticPlugin,
  quadraticValue,
  quadraticWith,
  type QuadraticOptions,
} from "./quadratic.ts";
export { isDataSource, REDUCTION_FACTOR, withReduction } from "./reduction.ts";
export { cpuUtilisation, linear, quadratic, quadraticGiraff };
