/**
 * The runs of a campaign, planned before anything starts: the run matrix, then every topology and workload plan
 * (deterministic: the runs regenerate or reuse the same), each plan checked against its variation's `WAIT_TIME`.
 * A size whose networks all fail GIRAFF's acceptance checks (every seed attempt out of `MIN_NUMBER_VMS` ..
 * `MAX_NUMBER_VMS`) is a campaign error like any bad value: exit 2 with a sentence, not a stack trace.
 */
import type { Topology } from "../../../runtime/protocol/topology.ts";
import { isTopologyCheckError } from "../../plan/topology/index.ts";
import type { Plan } from "../../plan/workload/plan-schema.ts";
import { CampaignConfigError, expandRuns, type RunSpec } from "../config/index.ts";
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
    if (topology === undefined) topologies.set(run.topologyKey, (topology = checkedTopology(campaign, run)));
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

/** The run's topology; when no seed attempt passes the checks, a {@link CampaignConfigError} saying what to change. */
function checkedTopology(campaign: Campaign, run: RunSpec): Topology {
  try {
    return topologyFor(campaign, run, undefined);
  } catch (err) {
    if (!isTopologyCheckError(err)) throw err;
    const { multiplier, minNumberVms, maxNumberVms } = run.size;
    throw new CampaignConfigError(
      {
        variable: "RANDOM_SEED",
        value: campaign.randomSeed,
        rule: `a seed whose networks of size ×${multiplier} pass MIN_NUMBER_VMS ${minNumberVms} and MAX_NUMBER_VMS ${maxNumberVms}`,
        cause: err,
      },
      `No network of size ×${multiplier} (repetition ${run.repetition}) drawn from \`RANDOM_SEED\` ` +
        `${JSON.stringify(campaign.randomSeed)} passed the checks: ${err.message} Choose another \`RANDOM_SEED\` ` +
        `(\`--dry-run\` shows the network it gives) or widen \`MIN_NUMBER_VMS\` .. \`MAX_NUMBER_VMS\`.`,
    );
  }
}
