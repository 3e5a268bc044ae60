/**
 * Plans on disk: `savePlan` writes atomically (a temporary file renamed into place), `loadPlan` validates with the
 * plan schema plus the cross-chain rules, and every error names the file, the field and the rule.
 */
import { ProtocolError } from "../../../runtime/protocol/errors.ts";
import { writeJsonAtomicallySync } from "../../../runtime/util/atomic-file.ts";
import { readJsonFileWith } from "./json-file.ts";
import { planSchema, type Plan } from "./plan-schema.ts";

export function savePlan(path: string, plan: Plan): void {
  writeJsonAtomicallySync(path, plan);
}

export function loadPlan(path: string): Plan {
  return readJsonFileWith(planSchema, path, "plan", checkPlan);
}

/** Rules across fields: unique chain ids, and each chain's functions indexed 0, 1, … in order. */
export function checkPlan(plan: Plan): void {
  const ids = new Set<string>();
  plan.chains.forEach((chain, i) => {
    if (ids.has(chain.id))
      throw new ProtocolError({ field: `chains.${i}.id`, rule: "a unique chain id", value: chain.id });
    ids.add(chain.id);
    chain.functions.forEach((f, k) => {
      if (f.index !== k) {
        throw new ProtocolError({
          field: `chains.${i}.functions.${k}.index`,
          rule: `the function's position in its chain (${k})`,
          value: f.index,
        });
      }
    });
  });
}
