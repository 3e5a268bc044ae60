/**
 * Topologies and workload plans of a campaign, generated once per key and kept in the campaign directory, so that
 * every strategy of a variation replays the same network and the same plan, and a resumed campaign reuses them.
 *
 *   RunSpec ─topologyKey─► <dir>/topologies/<key>.json (generated with retries if absent)
 *           ─planKey────► <dir>/plans/<key>.json      (generated from that topology if absent)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadTopology, type Topology } from "../../../runtime/protocol/topology.ts";
import { writeJsonAtomicallySync } from "../../../runtime/util/atomic-file.ts";
import { generateTopologyWithRetries } from "../../plan/topology/index.ts";
import { isClusterName } from "../../plan/topology/pack-hosts.ts";
import { generatePlan } from "../../plan/workload/plan.ts";
import { loadPlan } from "../../plan/workload/plan-file.ts";
import type { Plan } from "../../plan/workload/plan-schema.ts";
import { giraffPipeline, scaleExecution } from "../../plan/workload/pipelines.ts";
import type { Campaign } from "../config/schema.ts";
import type { RunSpec } from "../config/index.ts";

/** The topology of a run, generated and saved on first use (or loaded from the campaign's topology file). */
export function topologyFor(campaign: Campaign, run: RunSpec, dir: string | undefined): Topology {
  const path = dir === undefined ? undefined : join(dir, "topologies", `${run.topologyKey}.json`);
  if (path !== undefined && existsSync(path)) return loadTopology(path);
  const source = campaign.topology;
  const topology =
    source.kind === "file"
      ? loadTopology(source.path)
      : generateTopologyWithRetries({
          preset: source.preset,
          sizeMultiplier: run.size.multiplier,
          seed: run.seeds.topology,
          minNodes: run.size.minNumberVms,
          // GIRAFF bounds the bare-metal hosts a network needs; on one machine there are none: the fog nodes
          ...(campaign.deployment.provider === "grid5000" && isClusterName(campaign.deployment.cluster)
            ? { maxHosts: run.size.maxNumberVms, cluster: campaign.deployment.cluster }
            : campaign.deployment.provider === "local"
              ? { maxNodes: run.size.maxNumberVms }
              : {}),
        }).topology;
  if (path !== undefined) writeJsonAtomicallySync(path, topology);
  return topology;
}

/** The workload plan of a run, generated from its topology and variation on first use. */
export function planFor(run: RunSpec, topology: Topology, dir: string | undefined): Plan {
  const path = dir === undefined ? undefined : join(dir, "plans", `${run.planKey}.json`);
  if (path !== undefined && existsSync(path)) return loadPlan(path);
  const w = run.params.workload;
  const plan = generatePlan({
    topology,
    pipelines: w.pipelines.map((p) => scaleExecution(giraffPipeline(p.name), w.executionScale)),
    chainsPerTargetPerPipeline: Object.fromEntries(w.pipelines.map((p) => [p.name, p.chainsPerIotNode])),
    experimentDurationS: w.experimentDurationS,
    seed: run.seeds.plan,
    variant: w.variant,
    laws: {
      gammaParameterisation: w.gammaParameterisation,
      arrivalRequestMultiplier: w.arrivalRequestMultiplier,
      durationMultiplier: w.durationMultiplier,
      coldStartOverheadMs: w.coldStartOverheadMs,
      stopOverheadMs: w.stopOverheadMs,
      minDurationMs: w.minDurationMs,
      latencyClasses: w.latencyClassesMs,
      latencyLaw: w.latencyLaw,
    },
  });
  if (path !== undefined) writeJsonAtomicallySync(path, plan);
  return plan;
}
