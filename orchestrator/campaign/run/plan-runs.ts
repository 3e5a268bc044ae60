/**
 * The runs of a campaign, planned before anything starts: the run matrix, then every topology and workload plan
 * (deterministic: the runs regenerate or reuse the same), each plan checked against its variation's `WAIT_TIME`.
 */
import type { Topology } from "../../../runtime/protocol/topology.ts";
import type { Plan } from "../../plan/workload/plan-schema.ts";
import { expandRuns, type RunSpec } from "../config/index.ts";
import type { Campaign } from "../config/schema.ts";
import { checkPacing } from "./check-pacing.ts";
import { planFor, topologyFor } from "./prepare.ts";

export interface PlannedRuns {
  runs: RunSpec[];
  /** By topology key. */
  topologies: ReadonlyMap<string, Topology>;
  /** By plan key. */
  plans: ReadonlyMap<string, Plan>;
}

export function planRuns(campaign: Campaign): PlannedRuns {
  const runs = expandRuns(campaign);
  const topologies = new Map<string, Topology>();
  const plans = new Map<string, Plan>();
  const topologyOf = (run: RunSpec) => {
    let topology = topologies.get(run.topologyKey);
    if (topology === undefined) topologies.set(run.topologyKey, (topology = topologyFor(campaign, run, undefined)));
    return topology;
  };
  checkPacing(runs, (run) => {
    const topology = topologyOf(run);
    const plan = planFor(run, topology, undefined);
    plans.set(run.planKey, plan);
    return { topology, plan };
  });
  for (const run of runs) topologyOf(run);
  return { runs, topologies, plans };
}
