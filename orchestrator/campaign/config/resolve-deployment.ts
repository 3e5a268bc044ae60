/**
 * Campaign-level settings outside the matrix: where the network comes from (a generator preset or a fixed file),
 * and how runs are deployed (provider, cluster, parallelism, walltime and Grid'5000's day/night guard).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseTopology } from "../../../runtime/protocol/topology.ts";
import { settingError, settingSentence } from "./blame.ts";
import type { ResolvedLayer } from "./defaults.ts";
import type { Campaign, TopologySource } from "./schema.ts";
import { TOPOLOGY_PRESETS } from "./variables.ts";

/** `TOPOLOGY`: `current` or `paper` (giraff.md §11.1), or a topology `.json` file relative to the campaign folder. */
export async function resolveTopology(layer: ResolvedLayer, folder: string): Promise<TopologySource> {
  const setting = layer.TOPOLOGY;
  const preset = TOPOLOGY_PRESETS.find((p) => p === setting.value);
  if (preset !== undefined) return { kind: "preset", preset };
  const rule = `one of ${TOPOLOGY_PRESETS.join(", ")}, or the path of a readable .json topology file`;
  if (!setting.value.endsWith(".json")) throw settingError(setting, rule);
  const path = resolve(folder, setting.value);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw settingSentence(
      setting,
      rule,
      `\`TOPOLOGY\` names ${JSON.stringify(setting.value)}, which cannot be read (${reason}).`,
    );
  }
  try {
    parseTopology(JSON.parse(bytes.toString("utf8")));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw settingSentence(
      setting,
      "a valid topology file",
      `\`TOPOLOGY\` names ${JSON.stringify(setting.value)}, which is not a valid topology: ${reason}`,
    );
  }
  return { kind: "file", path, sha256: createHash("sha256").update(bytes).digest("hex") };
}

export function resolveDeployment(layer: ResolvedLayer): Campaign["deployment"] {
  const day = layer.DO_NOT_EXECUTE_IF_ENDING_AFTER;
  const hour = layer.DO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR;
  if (hour !== undefined && day === undefined) {
    throw settingError(hour, "set together with `DO_NOT_EXECUTE_IF_ENDING_AFTER` (the day it applies to)");
  }
  return {
    provider: layer.PROVIDER.value,
    cluster: layer.CLUSTER.value,
    nbInParallel: layer.NB_IN_PARALLEL.value,
    walltime: layer.DEPLOYMENT_WALLTIME.value,
    doNotExecuteIfEndingAfter:
      day === undefined ? null : { day: day.value, ...(hour?.value ?? { hour: 0, minute: 0 }) },
    allowDayJobs: layer.G5K_ALLOW_DAY_JOBS?.value ?? false,
  };
}
