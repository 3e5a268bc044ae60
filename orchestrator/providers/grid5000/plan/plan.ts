/**
 * Planning a topology on Grid'5000 (grid5000.md §2.3–2.4, giraff.md §11.4): how many hosts its VMs need (GIRAFF's
 * packing, reused from the topology package), the one OAR job that reserves them with a /22 subnet, where each VM
 * goes and which address it gets, and the exact API bodies reserving would send. Pure: no call, no clock.
 */
import type { Topology } from "../../../../runtime/protocol/topology.ts";
import { packHosts, type Packing } from "../../../plan/topology/index.ts";
import { storageAccessBody, storageAccessPath } from "../api/storage.ts";
import type { DeploymentSubmission, JobSubmission } from "../api/types.ts";
import { addressesOf } from "./addresses.ts";
import { normalizePlanOptions, type Grid5000PlanOptions, type NormalizedPlanOptions } from "./options.ts";

/** Marks the job in listings as ours, as EnOSlib adds `origin=enoslib_vmong5k`. */
export const ORIGIN_TYPE = "origin=giraff-ts";
/** A job's command when it only holds resources (EnOSlib and execo use the same). */
export const HOLD_COMMAND = "sleep 31536000";

export interface VmPlacement {
  /** Topology node id, or `iot` for the IoT emulator's VM. */
  vm: string;
  name: string;
  role: "fog" | "iot";
  /** Index of the physical host (the job's nodes sorted by name). */
  host: number;
  /** Position in the subnet's address plan: the VM gets its `slot`-th usable address. */
  slot: number;
  cores: number;
  memMiB: number;
  /** Known once the job runs (with `lease`). */
  hostFqdn?: string;
  ip?: string;
  mac?: string;
}

export interface PlannedRequest {
  method: "POST";
  /** Relative to the API base URL. */
  path: string;
  body: unknown;
  /** False when the body holds `<placeholders>` that only the running job can fill. */
  exact: boolean;
}

export interface Grid5000Plan {
  site: string;
  cluster: string;
  walltime: string;
  /** Physical hosts to reserve: fog-node hosts plus the IoT emulator's host. */
  hosts: number;
  packing: Packing;
  submission: JobSubmission;
  deployment: DeploymentSubmission | undefined;
  vms: VmPlacement[];
  requests: PlannedRequest[];
}

export function planGrid5000(topology: Topology, options: Grid5000PlanOptions): Grid5000Plan {
  const o = normalizePlanOptions(options);
  const packing = packHosts(topology, o.cluster);
  const submission = submissionOf(o, packing.hostsNeeded);
  const vms = placeVms(topology, packing, o.lease);
  const deployment = o.environment === undefined ? undefined : deploymentOf(o, packing.hostsNeeded);
  const requests: PlannedRequest[] = [{ method: "POST", path: `/sites/${o.site}/jobs`, body: submission, exact: true }];
  if (deployment !== undefined) {
    requests.push({
      method: "POST",
      path: `/sites/${o.site}/deployments`,
      body: deployment,
      exact: o.lease !== undefined,
    });
  }
  const ips = vms.map((v) => v.ip ?? `<address ${v.slot} of the /22>`);
  const job = o.lease?.jobUid ?? "<job uid>";
  requests.push({
    method: "POST",
    path: storageAccessPath(o.site, o.login ?? "<login>"),
    body: { ...storageAccessBody(o.site, 0, ips), termination: { job, site: o.site } },
    exact: o.lease !== undefined && o.login !== undefined,
  });
  return {
    site: o.site,
    cluster: o.cluster,
    walltime: o.walltime,
    hosts: packing.hostsNeeded,
    packing,
    submission,
    deployment,
    vms,
    requests,
  };
}

/** The OAR request (grid5000.md §1.4, §1.7): one part per cluster, the subnet, then the walltime. */
export function submissionOf(o: NormalizedPlanOptions, hosts: number): JobSubmission {
  const types = o.environment === undefined ? [ORIGIN_TYPE] : ["deploy", ORIGIN_TYPE];
  return {
    name: o.jobName,
    resources: `{cluster='${o.cluster}'}/nodes=${hosts}+slash_22=1,walltime=${o.walltime}`,
    command: HOLD_COMMAND,
    types,
    queue: o.queue,
    ...(o.project === undefined ? {} : { project: o.project }),
    ...(o.reservation === undefined ? {} : { reservation: o.reservation }),
  };
}

function deploymentOf(o: NormalizedPlanOptions, hosts: number): DeploymentSubmission {
  const nodes = o.lease?.nodes ?? Array.from({ length: hosts }, (_, i) => `<host ${i} of the job>`);
  return { nodes, environment: o.environment!, ...(o.sshKey === undefined ? {} : { key: o.sshKey }) };
}

/** VMs in packing order (fog hosts first, the IoT VM on the last host), each with its address slot. */
export function placeVms(topology: Topology, packing: Packing, lease?: NormalizedPlanOptions["lease"]): VmPlacement[] {
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  const vms: VmPlacement[] = [];
  packing.hosts.forEach((host, hostIndex) => {
    for (const id of host.nodeIds) {
      const node = byId.get(id)!;
      vms.push({
        vm: id,
        name: node.name,
        role: "fog",
        host: hostIndex,
        slot: vms.length,
        cores: node.flavor.cores,
        memMiB: node.flavor.memMiB,
      });
    }
  });
  const iotHost = packing.hosts.length;
  vms.push({
    vm: "iot",
    name: "iot_emulation",
    role: "iot",
    host: iotHost,
    slot: vms.length,
    cores: packing.capacity.cores,
    memMiB: packing.capacity.memMiB,
  });
  if (lease === undefined) return vms;
  const hosts = [...lease.nodes].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const subnet = lease.subnets[0];
  const addresses = subnet === undefined ? [] : addressesOf(subnet, vms.length);
  return vms.map((v, i) => ({ ...v, hostFqdn: hosts[v.host], ip: addresses[i]?.ip, mac: addresses[i]?.mac }));
}
