/**
 * Planning a topology on Grid'5000: hosts, the OAR request, the VM address plan, the exact bodies, capacity, the
 * guard and the usage policy.
 */
export { addressesOf, capacityOf, macOf, type IpMac } from "./addresses.ts";
export {
  capacityLine,
  checkCapacity,
  CLUSTER_HOSTS,
  InfeasiblePlanError,
  MAX_SLASH_22_PER_SITE,
  slash22For,
  VMS_PER_SLASH_22,
  type Capacity,
} from "./capacity.ts";
export { dryRunLines, toProviderPlan } from "./dry-run.ts";
export {
  ALLOW_DAY_JOBS_VARIABLE,
  checkUsagePolicy,
  dayTimeIn,
  G5K_USAGE_POLICY,
  jobWindow,
  type JobWindow,
  type UsagePolicy,
  type UsagePolicyVerdict,
} from "./policy.ts";
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
  addressName,
  HOLD_COMMAND,
  ORIGIN_TYPE,
  placeVms,
  planGrid5000,
  submissionOf,
  subnetSlotOf,
  type Grid5000Plan,
  type PlannedRequest,
  type VmPlacement,
} from "./plan.ts";
