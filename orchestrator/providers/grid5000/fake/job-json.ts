/**
 * A fake job as the API shows it, with the key set the app's tests pin (grid5000.md §1.4): times in Unix
 * seconds, `scheduled_at` and `stopped_at` absent while unknown, resources only once allocated (and in listings
 * only with `resources=yes`).
 */
import type { FakeSite } from "./fixtures.ts";
import type { ResourceRequest } from "./oar-resources.ts";

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
  state: "waiting" | "launching" | "running" | "error" | "terminated";
  submittedAt: number;
  reservationStart: number | undefined;
  scheduledAt: number | undefined;
  launchedAt: number | undefined;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  deleteAt: number | undefined;
  nodes: string[];
  subnets: string[];
  message: string;
}

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
  json["events"] = [];
  if (withResources) {
    json["assigned_nodes"] = job.nodes;
    json["resources_by_type"] = {
      cores: job.nodes.flatMap((n) => Array.from({ length: coresPerNode(n) }, (_, i) => `${n}/${i}`)),
      subnets: job.subnets,
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
