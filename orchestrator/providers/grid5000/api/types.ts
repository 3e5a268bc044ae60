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

export const ACTIVE_JOB_STATES = ["waiting", "launching", "running"] as const;
export const FINAL_JOB_STATES: readonly string[] = ["error", "terminated"];

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
