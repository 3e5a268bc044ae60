/**
 * The generator's options, checked at the boundary: each error is a ConfigError naming the option, the value and
 * the rule, so the CLI can turn it into a sentence about its flag.
 */
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import { CLUSTERS, isClusterName, type ClusterName } from "./pack-hosts.ts";
import { childrenRange, isPresetName, PRESETS, type Preset, type PresetName } from "./presets.ts";

export interface GenerateOptions {
  preset: PresetName;
  /** GIRAFF's SIZE_MULTIPLIER as given in the campaign; the `paper` preset uses 0.5 × this in its tier rules. */
  sizeMultiplier: number;
  seed: string | number;
  /** GIRAFF's MIN_NB_VMS: fewer fog nodes (all nodes but the root) fail with exit code 122. */
  minNodes?: number | undefined;
  /** GIRAFF's MAX_NB_VMS: more bare-metal hosts than this fail with exit code 123. */
  maxHosts?: number | undefined;
  /** MAX_NUMBER_VMS on one machine (ours): more fog nodes than this fail with exit code 123. */
  maxNodes?: number | undefined;
  /** The Grid'5000 cluster whose hosts `maxHosts` counts; `gros` when absent. */
  cluster?: ClusterName | undefined;
}

export interface NormalizedOptions {
  preset: Preset;
  sizeMultiplier: number;
  seed: string | number;
  minNodes: number | undefined;
  maxHosts: number | undefined;
  maxNodes: number | undefined;
  cluster: ClusterName;
}

export const DEFAULT_CLUSTER: ClusterName = "gros";

export function normalizeGenerateOptions(options: GenerateOptions): NormalizedOptions {
  const presetName: string = options.preset;
  if (!isPresetName(presetName)) {
    throw new ConfigError(
      "preset",
      `Expected \`preset\` to be one of ${Object.keys(PRESETS).join(", ")}, got ${show(presetName)}.`,
    );
  }
  const preset = PRESETS[presetName];
  return {
    preset,
    sizeMultiplier: validateSizeMultiplier(preset, options.sizeMultiplier),
    seed: validateSeed(options.seed),
    minNodes: validateCount("minNodes", options.minNodes, 0),
    maxHosts: validateCount("maxHosts", options.maxHosts, 1),
    maxNodes: validateCount("maxNodes", options.maxNodes, 1),
    cluster: validateCluster(options.cluster ?? DEFAULT_CLUSTER),
  };
}

/** Positive, an integer for `current` (GIRAFF reads an int), and large enough that every tier's range is valid. */
export function validateSizeMultiplier(preset: Preset, value: number): number {
  const rule = preset.integerSizeMultiplier ? "a positive integer" : "a positive number";
  const ok = Number.isFinite(value) && value > 0 && (!preset.integerSizeMultiplier || Number.isInteger(value));
  if (!ok) {
    throw new ConfigError(
      "sizeMultiplier",
      `Expected \`sizeMultiplier\` to be ${rule} for preset ${preset.name}, got ${show(value)}.`,
    );
  }
  const sm = preset.sizeMultiplier(value);
  preset.tiers.forEach((tier, i) => {
    const [lo, hi] = childrenRange(tier, sm);
    if (hi < lo) {
      throw new ConfigError(
        "sizeMultiplier",
        `Expected \`sizeMultiplier\` to give level ${i + 1} of preset ${preset.name} at least ${lo} children per parent, ` +
          `got at most ${hi} with ${show(value)}.`,
      );
    }
  });
  return value;
}

function validateSeed(seed: string | number): string | number {
  const ok = (typeof seed === "string" && seed !== "") || (typeof seed === "number" && Number.isFinite(seed));
  if (!ok)
    throw new ConfigError("seed", `Expected \`seed\` to be a non-empty string or a finite number, got ${show(seed)}.`);
  return seed;
}

function validateCount(field: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) {
    const rule = min === 0 ? "a non-negative integer" : "a positive integer";
    throw new ConfigError(field, `Expected \`${field}\` to be ${rule}, got ${show(value)}.`);
  }
  return value;
}

function validateCluster(name: string): ClusterName {
  if (!isClusterName(name)) {
    throw new ConfigError(
      "cluster",
      `Expected \`cluster\` to be one of ${Object.keys(CLUSTERS).join(", ")}, got ${show(name)}.`,
    );
  }
  return name;
}

function show(value: unknown): string {
  return `${JSON.stringify(value)} (${typeof value})`;
}
