/**
 * The batch runner's vocabulary as types: what a caller hands in (jobs and a spec), what each attempt leaves behind
 * (a run record), and what an invocation answers (a summary). Kept in one file so the records written to disk and
 * the events seen by `onProgress` cannot drift apart.
 */
import type { execa } from "execa";
import type * as fsPromises from "node:fs/promises";

/** How an invocation treats runs already recorded in the campaign directory (GNU parallel's flags, keyed by Seq). */
export type BatchMode = "fresh" | "resume" | "resume-failed" | "retry-failed";

/** What a run sees: who it is, where to write, and a signal aborted on timeout, halt `now` or Ctrl-C. */
export interface RunContext {
  readonly key: string;
  readonly seq: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly attempt: number;
  /** Aborted when the run must stop; its `reason` says why ("timeout", "halt", "interrupted"). */
  readonly signal: AbortSignal;
  /** The run's temporary directory; renamed to `<dir>/<key>` only if the run succeeds. */
  readonly runDir: string;
}

interface JobBase {
  /** Stable run key (a hash or a readable id of the params), never a position: names the run directory. */
  key: string;
  params?: Record<string, unknown>;
}

/** A run done in-process: resolves on success; a rejection is a failure (its numeric `exitCode`, if any, is kept). */
export interface FunctionJob extends JobBase {
  run: (ctx: RunContext) => Promise<unknown>;
}

/** A run done by an external program, spawned without a shell; output goes to `<dir>/logs/<key>.log`. */
export interface CommandJob extends JobBase {
  command: readonly string[];
}

export type BatchJob = FunctionJob | CommandJob;

/** One line of `runs.jsonl`: one attempt of one run. */
export interface RunRecord {
  runKey: string;
  seq: number;
  params: Record<string, unknown>;
  attempt: number;
  /** True when this attempt is the run's outcome for this invocation, i.e. the one written to the joblog. */
  final: boolean;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt: number;
  /** GNU's Exitval: the exit code, or -1 when killed by a timeout or cancelled. */
  exit: number;
  /** GNU's Signal: the number of the signal that ended the run, 0 if none. */
  signal: number;
  timedOut: boolean;
  cancelled: boolean;
  error?: string;
  /** The joblog's Command column for this run. */
  command: string;
  /** For command runs, the argv that was spawned (what `retry-failed` replays). */
  argv?: string[];
  /** Bytes of standard output (the joblog's Receive column). */
  receive: number;
}

/** Progress events, in the order they happen; `onProgress` must not throw. */
export type ProgressEvent =
  | { type: "plan"; mode: BatchMode; total: number; toRun: number; skipped: number; seed: string | null }
  | { type: "recovered"; runKey: string; seq: number; from: "runs.jsonl" | "manifest" }
  | { type: "start"; runKey: string; seq: number; attempt: number }
  | { type: "end"; record: RunRecord }
  | { type: "halt"; rule: string; reason: string };

/** The outside world as the batch runner uses it; production defaults live in `effects.ts`. */
export interface BatchEffects {
  clock: { now(): number };
  fs: Pick<typeof fsPromises, "open" | "readFile" | "writeFile" | "rename" | "rm" | "mkdir" | "readdir" | "stat">;
  logger: { info(message: string): void; warn(message: string): void };
  onProgress: (event: ProgressEvent) => void;
  /** Starts a command run (execa; `attempt.ts` streams its output and signals its process group). */
  spawn: typeof execa;
}

/** What one invocation did. Runs skipped by the mode are not counted as failed or succeeded. */
export interface BatchSummary {
  dir: string;
  mode: BatchMode;
  total: number;
  skipped: number;
  /** Runs this invocation finished (GNU counts only these for the exit status). */
  ran: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  /** Runs cancelled by halt `now` or by the signal: recorded in runs.jsonl only, so a resume reruns them. */
  cancelled: number;
  /** Runs never started because of a halt or an interruption. */
  notStarted: number;
  recovered: number;
  halted: { rule: string; reason: string } | null;
  interrupted: boolean;
  seed: string | null;
  /** Run keys in the order this invocation considered them (the shuffled order, if shuffled). */
  order: string[];
  warnings: string[];
  /** `exitCodeFor(failed)`: GNU's rule. */
  exitCode: number;
}
