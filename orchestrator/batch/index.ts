/** The batch runner's public API; see README.md. */
export { runBatch } from "./run-batch.ts";
export { exitCodeFor, MAX_FAILURE_EXIT_CODE } from "./exit-code.ts";
export { parseHalt, shouldHalt, type HaltRule } from "./halt.ts";
export { withRunDirectory, removeStaleRunDirectories } from "./run-directory.ts";
export { writeManifest, readManifest, checksumDirectory, type Manifest } from "./manifest.ts";
export { JOBLOG_HEADER, gnuQuote, commandLine, parseJoblogLine, formatJoblogLine, type JoblogEntry } from "./joblog.ts";
export { BatchError, isBatchError } from "./errors.ts";
export { defaultEffects, quietEffects } from "./effects.ts";
export type { BatchSpec } from "./options.ts";
export type * from "./types.ts";
