/** The Grid'5000 REST API client: jobs, storage access, kadeploy deployments, errors and effects. */
export {
  apiUrlProblem,
  DEFAULT_POLL,
  Grid5000Client,
  type CallOptions,
  type Grid5000Auth,
  type Grid5000ClientOptions,
} from "./client.ts";
export {
  deployEnvironment,
  resultOf,
  type DeploymentResult,
  type DeployOptions,
  type NodeDeployment,
} from "./deployments.ts";
export { defaultGrid5000Effects, type Grid5000Effects, type HttpCall, type HttpReply } from "./effects.ts";
export {
  Grid5000Error,
  isGrid5000Error,
  isReservationTooEarly,
  ReservationTooEarly,
  type Grid5000Reason,
} from "./errors.ts";
export {
  deleteJob,
  findActiveJob,
  getJob,
  listJobs,
  submitJob,
  type JobFilter,
  type JobRef,
  type SubmitResult,
} from "./jobs.ts";
export { jobEnd, type JobEnd, type JobEndReason } from "./job-end.ts";
export { DEFAULT_CREDENTIALS_SOURCE, mapHttpError, type AuthContext } from "./map-error.ts";
export { findOarRefusal, type OarRefusal } from "./oar-refusal.ts";
export {
  formatOarDate,
  formatWalltime,
  G5K_TIME_ZONE,
  instantOf,
  parseOarDate,
  parseWalltime,
  wallClockAt,
  type WallClock,
} from "./oar-time.ts";
export { makeRedactor, REDACTED, type Redactor } from "./redact.ts";
export { leaseOf, reserveJob, type Lease, type ReserveOptions, type ReserveOutcome } from "./reserve.ts";
export { grantHomeAccess, listStorageAccess, storageAccessBody, storageAccessPath } from "./storage.ts";
export type * from "./types.ts";
export { ACTIVE_JOB_STATES, ENDING_JOB_STATES, FINAL_JOB_STATES, PENDING_JOB_STATES } from "./types.ts";
export { checkJobRunning, waitForJob, type WaitOptions } from "./wait-job.ts";
