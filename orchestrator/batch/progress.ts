/**
 * Where a batch stands, from the files it keeps: every run of batch.json is succeeded, failed, timed out, cancelled,
 * running, half-written (a temporary directory whose process is dead) or left. The same answer whether the batch is
 * still going (the live page of `report:serve` polls it) or long finished (the report's overview), because it reads
 * only what the runner writes: batch.json, runs.jsonl and the directory names.
 *
 * The state of a run is decided in this order: a temporary directory of a live process means running (a retry of a
 * failed attempt is running, not failed); otherwise its last record in runs.jsonl decides, as GNU parallel's joblog
 * does (failed iff Exitval ≠ 0 or Signal ≠ 0; a time-out is its own state, as is a cancellation); otherwise a
 * temporary directory of a dead process means half-written (killed mid-run); otherwise the run is left to do.
 */
import { readCampaignFiles, type BatchFile } from "./campaign-files.ts";
import defaultFs from "./default-fs.ts";
import { isAlive as processIsAlive } from "../../runtime/util/is-alive.ts";
import type { BatchEffects, RunRecord } from "./types.ts";

export const RUN_STATES = ["succeeded", "failed", "timed-out", "cancelled", "running", "half-written", "left"] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunProgress {
  key: string;
  /** GNU's `{#}`: the run's position in the unshuffled job list; null for a run batch.json does not list. */
  seq: number | null;
  /** The run's label (params.label), when a record gave one. */
  label: string | null;
  state: RunState;
  /** Attempts recorded in runs.jsonl. */
  attempts: number;
  /** Epoch ms: the last recorded attempt's start and end (for a running run, only what is known). */
  startedAt: number | null;
  endedAt: number | null;
  exit: number | null;
  signal: number | null;
  /** The runner's error sentence for a failed, timed-out or cancelled attempt. */
  error: string | null;
}

export interface BatchProgress {
  /** Runs in batch.json plus any run recorded without being listed there (an older job list). */
  total: number;
  counts: Record<RunState, number>;
  /** In batch order: batch.json's `order` (the order runs start in), then unlisted runs by key. */
  runs: RunProgress[];
  /** Epoch ms: the first recorded start, and the last recorded end. */
  firstStartedAt: number | null;
  lastEndedAt: number | null;
  /**
   * A rough time left in ms: the mean duration of finished runs × runs left and running ÷ runs running at once
   * (at least 1); null before any run finished or when nothing is left.
   */
  etaMs: number | null;
  /** True when no run is running or left. */
  finished: boolean;
  /** Torn or unreadable lines of runs.jsonl, as sentences. */
  warnings: string[];
}

const TMP = /^(.+)\.tmp-(\d+)$/;

/** The pure core: the progress of a batch from its job list, its records and its directory's entry names. */
export function batchProgress(input: {
  batch: BatchFile | null;
  records: readonly RunRecord[];
  entries: readonly string[];
  isAlive: (pid: number) => boolean;
  warnings?: readonly string[];
}): BatchProgress {
  const last = new Map<string, RunRecord>();
  const attempts = new Map<string, number>();
  for (const r of input.records) {
    last.set(r.runKey, r);
    attempts.set(r.runKey, (attempts.get(r.runKey) ?? 0) + 1);
  }
  const tmp = new Map<string, "live" | "dead">();
  for (const name of input.entries) {
    const m = TMP.exec(name);
    if (m === null) continue;
    const alive = input.isAlive(Number(m[2]));
    // one live temporary directory is enough: an older dead one is what that live process removes next
    if (alive || !tmp.has(m[1]!)) tmp.set(m[1]!, alive ? "live" : "dead");
  }
  const seqOf = new Map((input.batch?.jobs ?? []).map((j) => [j.key, j.seq]));
  const order = [...(input.batch?.order ?? (input.batch?.jobs ?? []).map((j) => j.key))];
  const listed = new Set(order);
  for (const key of [...last.keys()].sort()) if (!listed.has(key)) order.push(key);

  const runs = order.map((key): RunProgress => {
    const record = last.get(key);
    const dir = tmp.get(key);
    const state: RunState =
      dir === "live"
        ? "running"
        : record !== undefined
          ? recordState(record)
          : dir === "dead"
            ? "half-written"
            : "left";
    return {
      key,
      seq: seqOf.get(key) ?? record?.seq ?? null,
      label: typeof record?.params?.label === "string" ? record.params.label : null,
      state,
      attempts: attempts.get(key) ?? 0,
      startedAt: record?.startedAt ?? null,
      endedAt: state === "running" ? null : (record?.endedAt ?? null),
      exit: state === "running" ? null : (record?.exit ?? null),
      signal: state === "running" ? null : (record?.signal ?? null),
      error: state === "running" ? null : (record?.error ?? null),
    };
  });

  const counts = Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<RunState, number>;
  for (const r of runs) counts[r.state]++;
  const durations = input.records.filter((r) => !r.cancelled).map((r) => r.endedAt - r.startedAt);
  const pending = counts.left + counts.running;
  const meanMs = durations.length === 0 ? null : durations.reduce((a, b) => a + b, 0) / durations.length;
  const starts = input.records.map((r) => r.startedAt);
  const ends = input.records.map((r) => r.endedAt);
  return {
    total: runs.length,
    counts,
    runs,
    firstStartedAt: starts.length === 0 ? null : Math.min(...starts),
    lastEndedAt: ends.length === 0 ? null : Math.max(...ends),
    etaMs: meanMs === null || pending === 0 ? null : (meanMs * pending) / Math.max(1, counts.running),
    finished: pending === 0,
    warnings: [...(input.warnings ?? [])],
  };
}

/** GNU parallel's rule (failed iff Exitval ≠ 0 or Signal ≠ 0), with time-outs and cancellations told apart. */
export function recordState(r: Pick<RunRecord, "exit" | "signal" | "timedOut" | "cancelled">): RunState {
  if (r.cancelled) return "cancelled";
  if (r.timedOut) return "timed-out";
  return r.exit !== 0 || r.signal !== 0 ? "failed" : "succeeded";
}

/** Reads a campaign directory and answers its progress; a directory the batch never wrote to has 0 runs. */
export async function readBatchProgress(
  dir: string,
  effects: { fs?: BatchEffects["fs"]; isAlive?: (pid: number) => boolean } = {},
): Promise<BatchProgress> {
  const fs = effects.fs ?? defaultFs;
  const files = await readCampaignFiles(dir, fs);
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    entries = [];
  }
  return batchProgress({
    batch: files.batchFile,
    records: files.records,
    entries,
    isAlive: effects.isAlive ?? processIsAlive,
    warnings: files.warnings.filter((w) => !w.startsWith("joblog")),
  });
}
