/**
 * The rows of `runs`, `topologies` and `plans` for one run directory, from its manifest.json, topology.json and
 * plan.json. The manifest's `params` are whatever the campaign runner recorded, so the flattening reads the
 * shapes we know (RunSpec's `strategy` entry, `size`, `repetition`, `variation`, `topology.sizeMultiplier`) and
 * leaves a column NULL rather than failing when a field is absent; the full params stay in `runs.params` (JSON).
 */
import type { RunCandidate } from "./scan-campaign.ts";

type Cell = string | number | boolean | null | undefined;
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const first = <T>(...values: (T | null)[]): T | null => values.find((v) => v !== null) ?? null;

/** One `runs` row, in the column order of schema.ts. */
export function runRow(run: RunCandidate, topology: unknown): Cell[] {
  const record = obj(run.manifest.record);
  const params = obj(record.params);
  const strategy = params.strategy;
  const size = params.size;
  const started = num(record.startedAt);
  const ended = num(record.endedAt);
  const nodes = Array.isArray(obj(topology).nodes) ? (obj(topology).nodes as unknown[]).length : num(params.nodes);
  return [
    run.key,
    "giraff-ts",
    num(record.seq),
    num(record.attempt),
    first(str(strategy), str(obj(strategy).strategy), str(params.strategyLabel)),
    first(str(obj(strategy).valuation), str(params.valuation)),
    first(str(obj(strategy).marketRule), str(params.marketRule)),
    first(num(size), num(obj(size).multiplier), num(params.sizeMultiplier), num(obj(params.topology).sizeMultiplier)),
    first(num(params.repetition), num(obj(params.topology).repetition)),
    first(str(params.variation), str(obj(params.variation).name)),
    nodes,
    started,
    ended,
    started !== null && ended !== null ? ended - started : null,
    num(record.exit),
    num(record.signal),
    typeof record.timedOut === "boolean" ? record.timedOut : null,
    JSON.stringify(params),
    null,
    null,
    null,
    null,
  ];
}

/** `topologies` rows of a topology.json document (schema of runtime/protocol/topology.ts). */
export function topologyRows(runKey: string, topology: unknown): Cell[][] {
  const nodes = obj(topology).nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.map((value) => {
    const n = obj(value);
    const link = obj(n.link);
    const flavor = obj(n.flavor);
    return [
      runKey,
      "giraff-ts",
      str(n.id),
      str(n.name),
      num(n.level),
      str(n.parent),
      num(link.latencyMs),
      num(link.rateBps),
      num(link.lossPct),
      typeof n.iotConnected === "boolean" ? n.iotConnected : null,
      typeof n.isCloud === "boolean" ? n.isCloud : null,
      num(flavor.cores),
      num(flavor.memMiB),
      num(flavor.reservedCores),
      num(flavor.reservedMemMiB),
    ];
  });
}

/** `plans` rows of a plan.json document (orchestrator/plan/workload/plan-schema.ts): one per function. */
export function planRows(runKey: string, plan: unknown): Cell[][] {
  const chains = obj(plan).chains;
  if (!Array.isArray(chains)) return [];
  return chains.flatMap((value) => {
    const chain = obj(value);
    const functions = Array.isArray(chain.functions) ? chain.functions : [];
    return functions.map((f): Cell[] => {
      const fn = obj(f);
      return [
        runKey,
        str(chain.id),
        str(chain.pipeline),
        str(chain.targetNodeId),
        num(chain.arrivalS),
        num(chain.durationMs),
        num(fn.index),
        str(fn.name),
        num(fn.latencyMaxMs),
        num(fn.memoryMiB),
        num(fn.cpuMilli),
        num(fn.requestIntervalMs),
        num(fn.replicas),
      ];
    });
  });
}
