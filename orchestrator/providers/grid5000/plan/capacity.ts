/**
 * Capacity checks made before anything is reserved (grid5000.md §1.5, §2.3): a job cannot hold more hosts than its
 * cluster has, and its VMs need one address each from the job's /22 subnets (1,021 usable per /22: network,
 * broadcast and first host skipped). Pure: the cluster sizes are a dated table, not an API call.
 */
import { ConfigError } from "../../../../runtime/protocol/errors.ts";

/**
 * Hosts per cluster GIRAFF uses, as listed by the reference API `GET /sites/<site>/clusters/<cluster>/nodes`
 * (`total`) on `asOf`. No network here, so this table is the source; refresh it with
 * `curl -s https://api.grid5000.fr/stable/sites/nancy/clusters/gros/nodes | jq .total` when clusters change
 * (retired or dead nodes lower the usable count further: check `/status` before a large reservation).
 */
// prettier-ignore
export const CLUSTER_HOSTS = {
  gros:     { site: "nancy",  hosts: 124, asOf: "2026-12-07" },
  parasilo: { site: "rennes", hosts: 28,  asOf: "2026-12-07" },
  ecotype:  { site: "nantes", hosts: 48,  asOf: "2026-12-07" },
} as const satisfies Record<string, { site: string; hosts: number; asOf: string }>;

/** Addresses a /22 gives VMs: 1,024 minus the network, the broadcast and the first host (EnOSlib's plan). */
export const VMS_PER_SLASH_22 = 1021;
/** /22 subnets a site can reserve: three reservable /16s of its /14 (grid5000.md §1.5). */
export const MAX_SLASH_22_PER_SITE = 192;

/** The /22 subnets `vms` VMs need: at least one, since the job always reserves its subnet. */
export function slash22For(vms: number): number {
  return Math.max(1, Math.ceil(vms / VMS_PER_SLASH_22));
}

export interface CapacityInput {
  cluster: string;
  hosts: number;
  vms: number;
  slash22: number;
}

export interface Capacity extends CapacityInput {
  /** Hosts the cluster has (`undefined`: not in {@link CLUSTER_HOSTS}, not checked). */
  clusterHosts: number | undefined;
  asOf: string | undefined;
  addresses: number;
  /** One sentence per broken rule; empty when feasible. */
  problems: string[];
}

export function checkCapacity(input: CapacityInput): Capacity {
  const known = Object.hasOwn(CLUSTER_HOSTS, input.cluster)
    ? CLUSTER_HOSTS[input.cluster as keyof typeof CLUSTER_HOSTS]
    : undefined;
  const addresses = input.slash22 * VMS_PER_SLASH_22;
  const problems: string[] = [];
  if (known !== undefined && input.hosts > known.hosts) {
    problems.push(
      `it needs ${input.hosts} ${input.cluster} hosts and ${input.cluster} has ${known.hosts} ` +
        `(reference API, ${known.asOf}); a job cannot hold more hosts than its cluster has`,
    );
  }
  if (input.vms > addresses) {
    problems.push(
      `its ${input.vms} VMs need more than the ${addresses} addresses of ${input.slash22} /22 ` +
        `(${VMS_PER_SLASH_22} each); reserve slash_22=${slash22For(input.vms)}`,
    );
  }
  if (input.slash22 > MAX_SLASH_22_PER_SITE) {
    problems.push(
      `it needs ${input.slash22} /22 subnets and a site has ${MAX_SLASH_22_PER_SITE} (three reservable /16s)`,
    );
  }
  return { ...input, clusterHosts: known?.hosts, asOf: known?.asOf, addresses, problems };
}

/** One line for `--dry-run`: the hosts against the cluster's, the VMs against the subnets' addresses. */
export function capacityLine(c: Capacity): string {
  const cluster = c.clusterHosts === undefined ? "(cluster size unknown)" : `of ${c.clusterHosts} (as of ${c.asOf})`;
  const verdict = c.problems.length === 0 ? "feasible" : "INFEASIBLE";
  return (
    `Capacity: ${c.hosts} ${c.cluster} hosts ${cluster}; ${c.vms} VMs in ${c.slash22} /22 ` +
    `(${c.addresses} addresses): ${verdict}.`
  );
}

/** A plan that cannot be reserved; a ConfigError so that the campaign CLI exits 2 before anything starts. */
export class InfeasiblePlanError extends ConfigError {
  override name = "InfeasiblePlanError";
  readonly capacity: Capacity;
  constructor(field: string, what: string, capacity: Capacity) {
    super(field, `${what} is infeasible on Grid'5000: ${capacity.problems.join("; ")}.`);
    this.capacity = capacity;
  }
}
