/**
 * What each topology of a campaign needs from its provider, asked of the provider's own `plan()` (the exact
 * bodies it would send; no call, no file). `--dry-run` prints it; a real run stops on the first size the testbed
 * cannot hold, with the dry run's sentence and exit 2, before anything is reserved or written.
 */
import type { Topology } from "../../../runtime/protocol/topology.ts";
import type { Plan } from "../../plan/workload/plan-schema.ts";
import type { SelectedProvider } from "../../providers/index.ts";
import type { ProviderPlan } from "../../providers/types.ts";
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import type { RunSpec } from "../config/index.ts";
import type { Campaign } from "../config/schema.ts";
import type { PlannedRuns } from "./plan-runs.ts";

export interface DeploymentPlan {
  /** The first run of the topology (its size and repetition). */
  run: RunSpec;
  topology: Topology;
  /** That run's workload plan. */
  plan: Plan;
  reserve: ProviderPlan;
}

export async function planDeployments(
  campaign: Campaign,
  planned: PlannedRuns,
  provider: SelectedProvider,
): Promise<DeploymentPlan[]> {
  const seen = new Set<string>();
  const out: DeploymentPlan[] = [];
  for (const run of planned.runs) {
    if (seen.has(run.topologyKey)) continue;
    seen.add(run.topologyKey);
    const topology = planned.topologies.get(run.topologyKey)!;
    const reserve = await provider.plan({
      campaign: campaign.name,
      topologyKey: run.topologyKey,
      topology,
      stateDir: "",
      walltimeS: campaign.deployment.walltime.seconds,
      cluster: campaign.deployment.cluster,
    });
    out.push({ run, topology, plan: planned.plans.get(run.planKey)!, reserve });
  }
  return out;
}

/** The first size the testbed cannot hold, as the ConfigError a bad campaign value is (exit 2); or nothing. */
export function capacityError(
  campaign: Campaign,
  deployments: readonly DeploymentPlan[],
  provider: Pick<SelectedProvider, "testbed">,
): ConfigError | undefined {
  const refused = deployments.find((d) => d.reserve.problems.length > 0);
  if (refused === undefined) return undefined;
  return new ConfigError(
    "SIZE_MULTIPLIERS",
    `Size ×${refused.run.size.multiplier} of campaign ${campaign.name} is infeasible on ${provider.testbed}: ` +
      `${refused.reserve.problems.join("; ")}.`,
  );
}

/** Throws {@link capacityError}'s error, if any. */
export function checkCapacity(
  campaign: Campaign,
  deployments: readonly DeploymentPlan[],
  provider: Pick<SelectedProvider, "testbed">,
): void {
  const error = capacityError(campaign, deployments, provider);
  if (error !== undefined) throw error;
}

/** `--dry-run`: the runs, each topology and what the provider would reserve; throws for an infeasible size. */
export function printDryRun(
  campaign: Campaign,
  planned: PlannedRuns,
  deployments: readonly DeploymentPlan[],
  provider: Pick<SelectedProvider, "name" | "testbed">,
  concurrency: number,
  print: (line: string) => void,
): number {
  print(
    `Campaign ${campaign.name} (${campaign.folder}): ${planned.runs.length} runs, provider ${provider.name}, ` +
      `${concurrency} at a time.`,
  );
  print("");
  print("run key           label");
  for (const r of planned.runs) print(`${r.key}  ${r.label}`);
  for (const { run: r, topology, plan, reserve } of deployments) {
    const levels = new Map<number, number>();
    for (const n of topology.nodes) levels.set(n.level, (levels.get(n.level) ?? 0) + 1);
    print("");
    print(
      `topology ${r.topologyKey} (size ×${r.size.multiplier}, repetition ${r.repetition}): ${topology.nodes.length} nodes ` +
        `(${[...levels].map(([l, c]) => `level ${l}: ${c}`).join(", ")}), ${topology.nodes.filter((n) => n.iotConnected).length} IoT-connected`,
    );
    print(
      `plan ${r.planKey}: ${plan.chains.length} chains, ${plan.chains.reduce((s, c) => s + c.functions.length, 0)} functions`,
    );
    for (const line of reserve.summary) print(`reserve: ${line}`);
    for (const req of reserve.requests) print(`reserve: ${req.method} ${req.url} ${JSON.stringify(req.body)}`);
  }
  print("");
  const refused = deployments.filter((d) => d.reserve.problems.length > 0);
  if (refused.length > 0) {
    const sizes = refused.map((d) => `×${d.run.size.multiplier}`).join(", ");
    print(`Dry run: nothing was started, reserved or written; size ${sizes} cannot be reserved (below).`);
    checkCapacity(campaign, deployments, provider);
  }
  print("Dry run: nothing was started, reserved or written.");
  return 0;
}
