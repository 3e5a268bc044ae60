/**
 * The campaign directory's bookkeeping files and how to read them back: the joblog (the GNU-compatible commit log),
 * runs.jsonl (every attempt, written before its joblog line), and batch.json (Seq ↔ run key, the shuffle seed and the
 * order). Reading never fails on a torn last line: it is reported in `warnings`.
 */
import { join } from "node:path";
import { JOBLOG_HEADER, parseJoblogLine, type JoblogEntry } from "./joblog.ts";
import { readLineFile } from "./line-file.ts";
import type { BatchEffects, RunRecord } from "./types.ts";

export const JOBLOG = "joblog";
export const RUNS = "runs.jsonl";
export const BATCH_FILE = "batch.json";
export const LOGS = "logs";

export interface BatchFile {
  version: 1;
  /** The shuffle seed, or null when the batch runs in list order. */
  seed: string | null;
  /** Run keys in the order they are started. */
  order: string[];
  /** The whole job list: Seq (1-based position in the unshuffled list) and run key. */
  jobs: { seq: number; key: string }[];
  updatedAt: string;
}

export interface CampaignFiles {
  joblogExists: boolean;
  joblog: JoblogEntry[];
  /** Byte offset where a torn joblog tail starts, or null when the joblog ends cleanly. */
  joblogTornAt: number | null;
  runsExist: boolean;
  records: RunRecord[];
  batchFile: BatchFile | null;
  warnings: string[];
}

export async function readCampaignFiles(dir: string, fs: BatchEffects["fs"]): Promise<CampaignFiles> {
  const warnings: string[] = [];
  const log = await readLineFile(fs, join(dir, JOBLOG));
  const joblog: JoblogEntry[] = [];
  log.lines.forEach((line, i) => {
    if (i === 0 && line === JOBLOG_HEADER) return;
    const entry = parseJoblogLine(line);
    if (entry) joblog.push(entry);
    else warnings.push(`${JOBLOG} line ${i + 1} is not a joblog line and was ignored: ${JSON.stringify(line)}.`);
  });
  if (log.torn !== null)
    warnings.push(`${JOBLOG} ends with a torn line (cut short by a kill): ${JSON.stringify(log.torn)}.`);
  const runs = await readLineFile(fs, join(dir, RUNS));
  const records: RunRecord[] = [];
  runs.lines.forEach((line, i) => {
    const record = parseRecord(line);
    if (record) records.push(record);
    else if (line.trim() !== "")
      warnings.push(`${RUNS} line ${i + 1} is not a run record and was ignored: ${JSON.stringify(line)}.`);
  });
  if (runs.torn !== null)
    warnings.push(`${RUNS} ends with a torn line (cut short by a kill): ${JSON.stringify(runs.torn)}.`);
  return {
    joblogExists: log.exists,
    joblog,
    joblogTornAt: log.torn === null ? null : log.cleanLength,
    runsExist: runs.exists,
    records,
    batchFile: await readBatchFile(dir, fs),
    warnings,
  };
}

function parseRecord(line: string): RunRecord | null {
  try {
    const record = JSON.parse(line) as RunRecord;
    return typeof record.runKey === "string" && Number.isInteger(record.seq) ? record : null;
  } catch {
    return null;
  }
}

async function readBatchFile(dir: string, fs: BatchEffects["fs"]): Promise<BatchFile | null> {
  try {
    return JSON.parse(await fs.readFile(join(dir, BATCH_FILE), "utf8")) as BatchFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Writes batch.json atomically: a temp file, then a rename over the old one. */
export async function writeBatchFile(dir: string, file: BatchFile, fs: BatchEffects["fs"]): Promise<void> {
  const tmp = join(dir, `${BATCH_FILE}.tmp-${process.pid}`);
  await fs.writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
  await fs.rename(tmp, join(dir, BATCH_FILE));
}
