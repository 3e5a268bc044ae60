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
import { checkCapacity, InfeasiblePlanError, slash22For, VMS_PER_SLASH_22, type Capacity } from "./capacity.ts";
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
  /** Position in the job's address plan: subnet floor(slot / 1021), its (slot mod 1021)-th usable address. */
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
  /** `/22` subnets to reserve: one per 1,021 VMs. */
  slash22: number;
  /** Hosts against the cluster's, VMs against the subnets' addresses. */
  capacity: Capacity;
  packing: Packing;
  submission: JobSubmission;
  deployment: DeploymentSubmission | undefined;
  vms: VmPlacement[];
  requests: PlannedRequest[];
}

/**
 * The plan; an infeasible one (more hosts than the cluster has, more /22 than a site has, more VMs than the
 * leased subnets address) is an {@link InfeasiblePlanError} unless `infeasible: "keep"` (`--dry-run` prints it
 * first, then refuses).
 */
export function planGrid5000(
  topology: Topology,
  options: Grid5000PlanOptions,
  check: { infeasible: "throw" | "keep" } = { infeasible: "throw" },
): Grid5000Plan {
  const o = normalizePlanOptions(options);
  const packing = packHosts(topology, o.cluster);
  const slash22 = slash22For(topology.nodes.length + 1);
  const capacity = checkCapacity({
    cluster: o.cluster,
    hosts: packing.hostsNeeded,
    vms: topology.nodes.length + 1,
    slash22: o.lease?.subnets.length ?? slash22,
  });
  if (capacity.problems.length > 0 && check.infeasible === "throw") {
    throw new InfeasiblePlanError("cluster", `The plan of job ${o.jobName}`, capacity);
  }
  const submission = submissionOf(o, packing.hostsNeeded, slash22);
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
  const ips = vms.map((v) => v.ip ?? `<${addressName(v.slot, slash22)}>`);
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
    slash22,
    capacity,
    packing,
    submission,
    deployment,
    vms,
    requests,
  };
}

/**
 * Where VM slot `slot` gets its address: VM i goes to subnet floor(i / 1021), at position i mod 1021, as EnOSlib's
 * `mac_range` walks its subnets one after the other (each is exhausted before the next is used).
 */
export function subnetSlotOf(slot: number): { subnet: number; position: number } {
  return { subnet: Math.floor(slot / VMS_PER_SLASH_22), position: slot % VMS_PER_SLASH_22 };
}

/** `address 7 of the /22`, or `address 7 of /22 #2` when the job has several. */
export function addressName(slot: number, slash22: number): string {
  const { subnet, position } = subnetSlotOf(slot);
  return slash22 === 1 ? `address ${position} of the /22` : `address ${position} of /22 #${subnet + 1}`;
}

/** The OAR request (grid5000.md §1.4, §1.7): one part per cluster, the subnets, then the walltime. */
export function submissionOf(o: NormalizedPlanOptions, hosts: number, slash22 = 1): JobSubmission {
  const types = o.environment === undefined ? [ORIGIN_TYPE] : ["deploy", ORIGIN_TYPE];
  return {
    name: o.jobName,
    resources: `{cluster='${o.cluster}'}/nodes=${hosts}+slash_22=${slash22},walltime=${o.walltime}`,
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
  // each subnet in the lease's order gives its addresses in turn (subnetSlotOf)
  const addresses = lease.subnets.flatMap((subnet, k) =>
    addressesOf(subnet, Math.min(VMS_PER_SLASH_22, Math.max(0, vms.length - k * VMS_PER_SLASH_22))),
  );
  return vms.map((v, i) => ({ ...v, hostFqdn: hosts[v.host], ip: addresses[i]?.ip, mac: addresses[i]?.mac }));
}
