/**
 * `--dry-run` for Grid'5000: every line a person needs to check a reservation before paying for it (hosts, the OAR
 * request, where each VM goes, the exact API bodies), and the provider contract's {@link ProviderPlan}. Printing
 * makes no call; the client is not even needed.
 */
import type { ProviderPlan } from "../../types.ts";
import { capacityLine, type Capacity } from "./capacity.ts";
import { addressName, type Grid5000Plan } from "./plan.ts";
import { checkUsagePolicy, type JobWindow } from "./policy.ts";

export function dryRunLines(plan: Grid5000Plan, baseUrl = "https://api.grid5000.fr/stable"): string[] {
  const lines = [
    `Grid'5000 dry run: nothing is reserved and no API call is made.`,
    `Site ${plan.site}, cluster ${plan.cluster}: ${plan.hosts} hosts (${plan.packing.hosts.length} for fog-node VMs, 1 for the IoT emulator), walltime ${plan.walltime}.`,
    capacityLine(plan.capacity),
    `OAR resources: ${plan.submission.resources}`,
    `Job types: ${plan.submission.types.join(" ")}; name ${plan.submission.name}; queue ${plan.submission.queue ?? "default"}` +
      (plan.submission.reservation === undefined
        ? "."
        : `; reservation ${plan.submission.reservation} (Europe/Paris).`),
    `VMs (${plan.vms.length}); addresses from the job's ${plan.slash22 === 1 ? "/22" : `${plan.slash22} /22 (VM i in /22 #floor(i/1021)+1)`}, skipping network, broadcast and first host; MAC = 00:16:3E + last 3 IP bytes:`,
  ];
  for (const vm of plan.vms) {
    const where = vm.hostFqdn ?? `host ${vm.host}`;
    const address = vm.ip === undefined ? addressName(vm.slot, plan.slash22) : `${vm.ip} ${vm.mac}`;
    lines.push(`  ${vm.name} (${vm.role}, ${vm.cores} cores, ${vm.memMiB} MiB) on ${where}: ${address}`);
  }
  lines.push("API requests:");
  for (const r of plan.requests) {
    lines.push(`  ${r.method} ${baseUrl}${r.path}${r.exact ? "" : "  (placeholders filled once the job runs)"}`);
    lines.push(`    ${JSON.stringify(r.body)}`);
  }
  return lines;
}

/** The provider contract's view of the plan. */
export function toProviderPlan(plan: Grid5000Plan, baseUrl = "https://api.grid5000.fr/stable"): ProviderPlan {
  return {
    provider: "grid5000",
    hosts: plan.hosts,
    problems: [...plan.capacity.problems],
    summary: dryRunLines(plan, baseUrl),
    requests: plan.requests.map((r) => ({ method: r.method, url: `${baseUrl}${r.path}`, body: r.body })),
    details: JSON.parse(
      JSON.stringify({
        site: plan.site,
        cluster: plan.cluster,
        walltime: plan.walltime,
        slash22: plan.slash22,
        capacity: plan.capacity,
        vms: plan.vms,
        packing: plan.packing,
      }),
    ) as Record<string, unknown>,
  };
}

/**
 * Grid'5000's day rule for the job in `window` (submitted now, or at G5K_RESERVATION): what reserve would decide.
 * `reservation` is how the window was chosen, for the sentence.
 */
export function usagePolicyLine(
  capacity: Pick<Capacity, "hosts" | "cluster" | "clusterHosts">,
  window: JobWindow,
  reservation: string | undefined,
  allowDayJobs: boolean,
): string {
  const verdict = checkUsagePolicy({
    window,
    hosts: capacity.hosts,
    cluster: capacity.cluster,
    clusterHosts: capacity.clusterHosts,
    allowDayJobs,
  });
  const when = reservation === undefined ? "submitted now" : `reserved at ${reservation}`;
  if (!verdict.allowed) return `Usage policy: if ${when}, reserve would refuse it (exit 127): ${verdict.reason}`;
  if (verdict.warning !== undefined)
    return `Usage policy: if ${when}, allowed by G5K_ALLOW_DAY_JOBS: ${verdict.warning}`;
  return `Usage policy: if ${when}, allowed (${verdict.dayTime.length === 0 ? "no day time" : "within the day limit"}).`;
}
