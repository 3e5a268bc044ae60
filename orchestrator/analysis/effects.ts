/**
 * The outside world as ingestion uses it (STYLE.md principle 4): file reads, the clock, a logger and progress.
 * Production defaults below; tests pass recording fakes. Ingestion only ever reads raw files: `fs` has no write.
 */
import * as fsPromises from "node:fs/promises";

export type IngestProgress =
  | { type: "scan"; runs: number; toIngest: number; skipped: number }
  | { type: "run"; runKey: string; done: number; total: number; events: number }
  | { type: "views" }
  | { type: "done"; events: number; ms: number };

export interface AnalysisEffects {
  fs: Pick<typeof fsPromises, "readFile" | "readdir" | "stat" | "open">;
  clock: { now(): number };
  logger: { info(message: string): void; warn(message: string): void };
  onProgress: (event: IngestProgress) => void;
}

export const defaultAnalysisEffects: AnalysisEffects = {
  fs: fsPromises,
  clock: { now: () => Date.now() },
  logger: { info: (m) => console.error(m), warn: (m) => console.error(`warning: ${m}`) },
  onProgress: () => {},
};

/** Quiet effects for tests: real files, no output. */
export const noopAnalysisEffects: AnalysisEffects = {
  ...defaultAnalysisEffects,
  logger: { info: () => {}, warn: () => {} },
};
