/**
 * How many Grid'5000 hosts a topology's VMs need (giraff.md §11.1, §11.4; grid5000.md §2.4): VMs are grouped by
 * identical flavour, and each group fills hosts one after the other, a VM going to a new host when the current
 * one's cores or memory would be exceeded. Groups never share a host (each becomes its own VMonG5k machine group).
 * The IoT emulator's VM takes one more whole host.
 *
 * Two GIRAFF quirks are not kept: its count starts at 1 ("the market is the first", though the market VM is also
 * packed with the TIER_1 group, so that 1 stands in for the IoT host here), and after an overflow it restarts the
 * new host's usage at 0 without counting the VM that overflowed, which lets one VM too many onto every later host.
 */
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import type { Topology, TopologyNode } from "../../../runtime/protocol/topology.ts";

/** Per-host budget GIRAFF packs against (`NB_CPU_PER_MACHINE_PER_CLUSTER`); gros keeps one of its 36 threads. */
export const CLUSTERS = {
  gros: { cores: 35, memMiB: 96 * 1024 },
  parasilo: { cores: 32, memMiB: 128 * 1024 },
  ecotype: { cores: 40, memMiB: 128 * 1024 },
} as const satisfies Record<string, HostCapacity>;

export type ClusterName = keyof typeof CLUSTERS;

export interface HostCapacity {
  cores: number;
  memMiB: number;
}

/** One bare-metal host and the VMs (topology nodes) packed onto it, all of one flavour. */
export interface Host {
  flavor: TopologyNode["flavor"];
  nodeIds: string[];
  cores: number;
  memMiB: number;
}

export interface Packing {
  cluster: ClusterName;
  capacity: HostCapacity;
  /** Hosts for the fog-node VMs, the root's included, grouped by flavour in order of first appearance. */
  hosts: Host[];
  /** The whole host the IoT emulator's VM takes. */
  iotHosts: 1;
  /** `hosts.length + iotHosts`: what GIRAFF compares with MAX_NB_VMS. */
  hostsNeeded: number;
}

export function isClusterName(name: string): name is ClusterName {
  return Object.hasOwn(CLUSTERS, name);
}

/** Packs every node's VM onto `cluster` hosts; a VM larger than one host is a ConfigError naming the cluster. */
export function packHosts(topology: Topology, cluster: ClusterName): Packing {
  const capacity = CLUSTERS[cluster];
  const groups = new Map<string, TopologyNode[]>();
  for (const node of topology.nodes) {
    const f = node.flavor;
    const key = `${f.cores}/${f.memMiB}/${f.reservedCores}/${f.reservedMemMiB}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [node]);
    else group.push(node);
  }
  const hosts: Host[] = [];
  for (const group of groups.values()) {
    const flavor = group[0]!.flavor;
    if (flavor.cores > capacity.cores || flavor.memMiB > capacity.memMiB) {
      throw new ConfigError(
        "cluster",
        `A VM of ${flavor.cores} cores and ${flavor.memMiB} MiB (node ${group[0]!.name}) does not fit a ${cluster} host ` +
          `(${capacity.cores} cores, ${capacity.memMiB} MiB); choose a larger cluster.`,
      );
    }
    let host: Host | undefined;
    for (const node of group) {
      if (
        host === undefined ||
        host.cores + flavor.cores > capacity.cores ||
        host.memMiB + flavor.memMiB > capacity.memMiB
      ) {
        host = { flavor, nodeIds: [], cores: 0, memMiB: 0 };
        hosts.push(host);
      }
      host.nodeIds.push(node.id);
      host.cores += flavor.cores;
      host.memMiB += flavor.memMiB;
    }
  }
  return { cluster, capacity, hosts, iotHosts: 1, hostsNeeded: hosts.length + 1 };
}
