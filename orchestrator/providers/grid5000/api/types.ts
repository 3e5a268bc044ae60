/**
 * The shapes of Grid'5000 API bodies the client sends and reads (grid5000.md §1.4–1.7), with only the fields we
 * use typed; everything else is kept as received.
 */

/** OAR states as the API lowercases them; the last six are transient states the app treats as active. */
export type JobState =
  | "waiting"
  | "launching"
  | "running"
  | "hold"
  | "error"
  | "terminated"
  | "tolaunch"
  | "toerror"
  | "toackreservation"
  | "suspended"
  | "resuming"
  | "finishing";

/** States of a job that holds or will hold resources: what a name-based adoption must find (a held job too). */
export const ACTIVE_JOB_STATES = ["waiting", "hold", "tolaunch", "toackreservation", "launching", "running"] as const;
/** States on the way to running: a waiter keeps polling through them (until its deadline). */
export const PENDING_JOB_STATES: readonly string[] = [
  "waiting",
  "hold",
  "tolaunch",
  "toackreservation",
  "launching",
  "suspended",
  "resuming",
];
/** The job is over or about to be: `finishing` and `toerror` lead to `terminated` or `error` within seconds. */
export const ENDING_JOB_STATES: readonly string[] = ["finishing", "toerror", "error", "terminated"];
export const FINAL_JOB_STATES: readonly string[] = ["error", "terminated"];

/** One of OAR's events for the job (`type` is OAR's constant: WALLTIME, FRAG_JOB_REQUEST, PROLOGUE_ERROR, …). */
export interface JobEvent {
  uid?: number;
  created_at?: number;
  type: string;
  description?: string;
}

/** `POST /sites/{site}/jobs`. */
export interface JobSubmission {
  name: string;
  resources: string;
  command: string;
  types: string[];
  queue?: string | undefined;
  project?: string | undefined;
  /** `YYYY-MM-DD hh:mm:ss` in Europe/Paris. */
  reservation?: string | undefined;
}

export interface Job {
  uid: number;
  user: string;
  name: string | null;
  state: JobState;
  queue: string;
  types: string[];
  /** Seconds. */
  walltime: number;
  submitted_at: number;
  scheduled_at?: number;
  started_at?: number;
  stopped_at?: number;
  exit_code?: number;
  message?: string;
  events?: JobEvent[];
  /** For a running job, its nodes; for a waiting one, OAR's *forecast* (it may change): never a lease. */
  assigned_nodes?: string[];
  resources_by_type?: { cores?: string[]; subnets?: string[]; vlans?: string[]; disks?: string[] };
  [key: string]: unknown;
}

export interface Collection<T> {
  total: number;
  offset: number;
  items: T[];
  links?: unknown[];
}

/** `POST /sites/{site}/deployments`. */
export interface DeploymentSubmission {
  nodes: string[];
  environment: string;
  key?: string | undefined;
  [option: string]: unknown;
}

export type DeploymentStatus = "waiting" | "processing" | "terminated" | "error" | "canceled";

export interface Deployment {
  uid: string;
  site_uid: string;
  user_uid: string;
  environment: string;
  nodes: string[];
  status: DeploymentStatus;
  created_at: number;
  updated_at: number;
  result?: Record<string, { macro?: string | null; micro?: string | null; state: "OK" | "KO" }>;
  [key: string]: unknown;
}

/** `POST /sites/{site}/storage/home/{login}/access`. */
export interface StorageAccessRequest {
  ipv4: string[];
  termination: { job: number; site: string };
}

export interface StorageAccessRule {
  ipv4: string[];
  termination: { job: number; site: string } | { until: number };
  nfs_address?: string;
}
