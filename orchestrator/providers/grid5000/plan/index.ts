/** Planning a topology on Grid'5000: hosts, the OAR request, the VM address plan, the exact bodies, the guard. */
export { addressesOf, capacityOf, macOf, type IpMac } from "./addresses.ts";
export { dryRunLines, toProviderPlan } from "./dry-run.ts";
export {
  checkEndingAfter,
  deadlineOf,
  EXIT_ENDS_TOO_LATE,
  type EndingAfterPolicy,
  type GuardInput,
  type GuardVerdict,
} from "./guard.ts";
export { normalizePlanOptions, type Grid5000PlanOptions, type NormalizedPlanOptions } from "./options.ts";
export {
  HOLD_COMMAND,
  ORIGIN_TYPE,
  placeVms,
  planGrid5000,
  submissionOf,
  type Grid5000Plan,
  type PlannedRequest,
  type VmPlacement,
} from "./plan.ts";
