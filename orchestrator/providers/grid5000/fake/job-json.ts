/**
 * A fake job as the API shows it, with the key set the app's tests pin (grid5000.md §1.4): times in Unix
 * seconds, `scheduled_at` and `stopped_at` absent while unknown, OAR's states lowercased as the app does
 * (`tolaunch`, `toerror`), the job's OAR events, and resources (in listings only with `resources=yes`). A waiting
 * job that OAR has placed in its gantt shows the *predicted* nodes and subnets, as the app unions assigned and
 * gantt resources: they are a forecast, not a lease, and may change before the job starts.
 */
import type { FakeSite } from "./fixtures.ts";
import type { ResourceRequest } from "./oar-resources.ts";

export type FakeJobState =
  "waiting" | "hold" | "tolaunch" | "toerror" | "launching" | "running" | "finishing" | "error" | "terminated";

/** One row of OAR's `event_logs` for the job: `type` is OAR's constant (WALLTIME, FRAG_JOB_REQUEST, …). */
export interface FakeEvent {
  uid: number;
  type: string;
  description: string;
  createdAt: number;
}

export interface FakeJob {
  uid: number;
  user: string;
  name: string | null;
  project: string;
  queue: string;
  types: string[];
  command: string;
  properties: string;
  request: ResourceRequest;
  state: FakeJobState;
  submittedAt: number;
  reservationStart: number | undefined;
  scheduledAt: number | undefined;
  /** When the scheduler chose the job (toLaunch), then when bipbip launched it, then when it ran. */
  toLaunchAt: number | undefined;
  launchedAt: number | undefined;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  /** When Leon acts on a DELETE (or a walltime frag): the job stops then. */
  killAt: number | undefined;
  /** When a finishing job reaches its final state, and which. */
  finishAt: number | undefined;
  finalState: "error" | "terminated" | undefined;
  exitCode: number | undefined;
  /** Allocated resources (from toLaunch on; for an accepted advance reservation, from submission). */
  nodes: string[];
  subnets: string[];
  /** The gantt's forecast for a waiting job: shown as its resources, never final. */
  predicted: { nodes: string[]; subnets: string[] } | undefined;
  events: FakeEvent[];
  message: string;
}

const ENDED: readonly FakeJobState[] = ["error", "terminated"];
export const isEnded = (job: FakeJob) => ENDED.includes(job.state);

export function jobJson(site: FakeSite, job: FakeJob, withResources: boolean, coresPerNode: (host: string) => number) {
  const self = `/stable/sites/${site.uid}/jobs/${job.uid}`;
  const json: Record<string, unknown> = {
    uid: job.uid,
    user: job.user,
    user_uid: job.user,
    name: job.name,
    project: job.project,
    queue: job.queue,
    state: job.state,
    types: job.types,
    mode: "PASSIVE",
    command: job.command,
    directory: `/home/${job.user}`,
    properties: job.properties,
    message: job.message,
    submitted_at: job.submittedAt,
  };
  if (job.scheduledAt !== undefined) json["scheduled_at"] = job.scheduledAt;
  if (job.startedAt !== undefined) json["started_at"] = job.startedAt;
  if (job.stoppedAt !== undefined) json["stopped_at"] = job.stoppedAt;
  json["walltime"] = job.request.walltimeS;
  if (job.exitCode !== undefined) json["exit_code"] = job.exitCode;
  json["events"] = job.events.map((e) => ({
    uid: e.uid,
    created_at: e.createdAt,
    type: e.type,
    description: e.description,
  }));
  if (withResources) {
    const shown = job.nodes.length > 0 || job.predicted === undefined ? job : job.predicted;
    json["assigned_nodes"] = shown.nodes;
    json["resources_by_type"] = {
      cores: shown.nodes.flatMap((n) => Array.from({ length: coresPerNode(n) }, (_, i) => `${n}/${i}`)),
      subnets: shown.subnets,
      vlans: [],
      disks: [],
    };
  }
  json["links"] = [
    { rel: "self", href: self, type: "application/vnd.grid5000.item+json" },
    { rel: "parent", href: `/stable/sites/${site.uid}`, type: "application/vnd.grid5000.item+json" },
  ];
  return json;
}
