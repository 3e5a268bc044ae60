/**
 * Shared by the batch runner's tests: temporary campaign directories, readers for what a batch leaves on disk, and
 * jobs built from the fixture scripts. Not part of the public API.
 */
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCampaignFiles } from "../campaign-files.ts";
import defaultFs from "../default-fs.ts";
import type { JoblogEntry } from "../joblog.ts";
import type { BatchEffects, CommandJob, FunctionJob, ProgressEvent, RunRecord } from "../types.ts";

export const FIXTURES = fileURLToPath(new URL("../fixtures", import.meta.url));
export const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function tempCampaign(): Promise<string> {
  return mkdtemp(join(tmpdir(), "giraff-batch-"));
}

/** Effects that log nothing and keep every progress event. */
export function recordingEffects(): Partial<BatchEffects> & { events: ProgressEvent[]; warnings: string[] } {
  const events: ProgressEvent[] = [];
  const warnings: string[] = [];
  return {
    events,
    warnings,
    logger: { info: () => {}, warn: (m) => warnings.push(m) },
    onProgress: (e) => events.push(e),
  };
}

/** The joblog's entries and the run records, as a resume would read them. */
export async function readCampaign(
  dir: string,
): Promise<{ joblog: JoblogEntry[]; records: RunRecord[]; warnings: string[] }> {
  const files = await readCampaignFiles(dir, defaultFs);
  return { joblog: files.joblog, records: files.records, warnings: files.warnings };
}

export async function readText(path: string): Promise<string> {
  return readFile(path, "utf8");
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** In-process jobs `k1` … `kN`; `fails` lists keys whose run rejects. Each call of a run is counted in `calls`. */
export function functionJobs(n: number, fails: readonly string[] = []): { jobs: FunctionJob[]; calls: string[] } {
  const calls: string[] = [];
  const jobs = Array.from({ length: n }, (_, i): FunctionJob => {
    const key = `k${i + 1}`;
    return {
      key,
      params: { i },
      run: async () => {
        calls.push(key);
        if (fails.includes(key)) throw Object.assign(new Error(`${key} failed on purpose`), { exitCode: 3 });
      },
    };
  });
  return { jobs, calls };
}

/** Command jobs running fixtures/work.mjs with their key (keys starting with "fail" exit 3). */
export function workJobs(keys: readonly string[], sleepMs = 0): CommandJob[] {
  return keys.map((key, i) => ({ key, params: { i }, command: ["node", fixture("work.mjs"), key, String(sleepMs)] }));
}
