/** Production effects for the batch runner: the real clock, file system, console and execa. */
import { execa } from "execa";
import type { BatchEffects } from "./types.ts";
import defaultFs from "./default-fs.ts";

export const defaultEffects: BatchEffects = {
  clock: { now: () => Date.now() },
  fs: defaultFs,
  logger: { info: (m) => console.error(`batch: ${m}`), warn: (m) => console.error(`batch: warning: ${m}`) },
  onProgress: () => {},
  spawn: execa,
};

/** Effects that log nothing, for tests and library callers that read the summary instead. */
export const quietEffects: Partial<BatchEffects> = { logger: { info: () => {}, warn: () => {} } };
