/** Network emulation on the VMs (tc HTB + netem per pair): see ../README.md, section "Network emulation". */
export {
  chunkScripts,
  constraintCommands,
  deviceCommands,
  MAX_CONSTRAINTS,
  removeCommand,
  rootCommand,
  type Constraint,
} from "./commands.ts";
export { applyNetem, clearNetem, type ApplyOptions } from "./apply.ts";
export { isNetemError, NetemError, type NetemFailure } from "./errors.ts";
export { formatDelay, formatLoss, formatRate } from "./format.ts";
export { netemVmsOf, planNetem, type HostNetem, type NetemOptions, type NetemVm } from "./plan.ts";
export { parsePing, type PingSummary } from "./ping.ts";
export {
  describePair,
  emulatedPairs,
  judge,
  PAIR_NO_REPLY,
  PAIR_OK,
  PAIR_TOO_FAST,
  PAIR_TOO_SLOW,
  PAIR_UNPARSABLE,
  pingCommand,
  validateNetem,
  type Pair,
  type PairReport,
  type ValidateOptions,
} from "./validate.ts";
