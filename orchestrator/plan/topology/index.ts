/** GIRAFF's topology generator and what network emulation and deployment need from a topology. */
export { CURRENT, PAPER, PRESETS, childrenRange, isPresetName } from "./presets.ts";
export type { Draw, Flavour, Modifier, Preset, PresetName, Scaled, Tier, TierValuation } from "./presets.ts";
export { levelCountBounds } from "./bounds.ts";
export { drawTopology, generateTopology } from "./generate.ts";
export { DEFAULT_CLUSTER, normalizeGenerateOptions, type GenerateOptions } from "./options.ts";
export {
  checkTopology,
  EXIT_TOO_FEW_NODES,
  EXIT_TOO_MANY_HOSTS,
  fogNodeCount,
  isTopologyCheckError,
  TopologyCheckError,
} from "./checks.ts";
export { DEFAULT_ATTEMPTS, derivedSeed, generateTopologyWithRetries, type RetriedTopology } from "./retries.ts";
export { CLUSTERS, isClusterName, packHosts, type ClusterName, type Host, type Packing } from "./pack-hosts.ts";
export {
  combineLossGiraff,
  combineLossProbabilistic,
  IOT_SOURCE_ID,
  pathMatrix,
  PathMatrix,
  type LossModel,
  type PathEntry,
} from "../../../runtime/protocol/path-matrix.ts";
export { loadTopology, saveTopology } from "./save.ts";
