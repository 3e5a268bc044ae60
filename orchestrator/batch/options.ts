/**
 * `runBatch`'s options, parsed at the boundary into a fully defaulted object. Every message names the option, the
 * value and the rule, so a typo in an experiment file or on the command line is a sentence, not a stack trace.
 */
import { BatchError } from "./errors.ts";
import { parseHalt, type HaltRule } from "./halt.ts";
import type { BatchEffects, BatchJob, BatchMode } from "./types.ts";

export interface BatchSpec {
  jobs: readonly BatchJob[];
  /** The campaign directory: joblog, runs.jsonl, batch.json, logs/ and one directory per run key. */
  dir: string;
  mode?: BatchMode;
  /** Required to start `fresh` over a campaign directory that already has records; they are moved to `archive/`. */
  force?: boolean;
  /** Runs at a time (GNU `-j`); 1 by default. */
  concurrency?: number;
  /** Attempts per run within this invocation, in total (GNU `--retries`); 1 by default. */
  retries?: number;
  /** Per-attempt time limit in ms (GNU `--timeout`); none by default. */
  timeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL for a command, and the wait for an in-process run to settle; 5 s by default. */
  killGraceMs?: number;
  /** A GNU `--halt` rule; `never` by default. */
  halt?: string;
  /** Run in a seeded random order. Without a seed, a resume reuses the recorded one and a fresh batch draws one. */
  shuffle?: { seed?: string | number } | false;
  /** Aborting it cancels the running runs (recorded as cancelled) and starts no more: the CLI wires SIGINT/SIGTERM. */
  signal?: AbortSignal;
  effects?: Partial<BatchEffects>;
}

export interface BatchOptions {
  jobs: readonly BatchJob[];
  dir: string;
  mode: BatchMode;
  force: boolean;
  concurrency: number;
  retries: number;
  timeoutMs: number | null;
  killGraceMs: number;
  halt: HaltRule;
  shuffle: { seed: string | null } | false;
  signal: AbortSignal | undefined;
}

const MODES: readonly BatchMode[] = ["fresh", "resume", "resume-failed", "retry-failed"];
/** Keys name directories next to ours, so they exclude dots (our suffixes) and our own names. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const RESERVED = new Set(["logs", "archive", "joblog", "batch"]);

export function normalizeBatchOptions(spec: BatchSpec): Omit<BatchOptions, "effects"> {
  if (typeof spec.dir !== "string" || spec.dir === "") throw BatchError.invalid("dir", "a directory path", spec.dir);
  const mode = spec.mode ?? "fresh";
  if (!MODES.includes(mode))
    throw BatchError.invalid("mode", `one of ${MODES.map((m) => `\`${m}\``).join(", ")}`, mode);
  return {
    jobs: normalizeJobs(spec.jobs),
    dir: spec.dir,
    mode,
    force: spec.force ?? false,
    concurrency: positiveInteger("concurrency", spec.concurrency ?? 1),
    retries: positiveInteger("retries", spec.retries ?? 1, " (attempts in total; GNU's 0 = forever is not supported)"),
    timeoutMs: spec.timeoutMs === undefined ? null : timerMs("timeoutMs", "--timeout-ms", spec.timeoutMs),
    killGraceMs: spec.killGraceMs === undefined ? 5_000 : timerMs("killGraceMs", "--kill-grace-ms", spec.killGraceMs),
    halt: parseHalt(spec.halt ?? "never"),
    shuffle: normalizeShuffle(spec.shuffle),
    signal: spec.signal,
  };
}

function normalizeJobs(jobs: unknown): readonly BatchJob[] {
  if (!Array.isArray(jobs)) throw BatchError.invalid("jobs", "an array of jobs", jobs);
  const seen = new Map<string, number>();
  jobs.forEach((job: Partial<BatchJob> & { run?: unknown; command?: unknown }, i) => {
    const at = `jobs[${i}]`;
    if (typeof job?.key !== "string" || !KEY.test(job.key) || RESERVED.has(job.key)) {
      const rule =
        "a run key of letters, digits, `-` and `_` (up to 128, no dots), other than logs, archive, joblog, batch";
      throw BatchError.invalid(`${at}.key`, rule, job?.key);
    }
    const previous = seen.get(job.key);
    if (previous !== undefined) throw BatchError.invalid(`${at}.key`, `unique (jobs[${previous}] has it too)`, job.key);
    seen.set(job.key, i);
    const hasRun = typeof job.run === "function";
    const hasCommand = job.command !== undefined;
    if (hasRun === hasCommand) throw BatchError.invalid(at, "a job with exactly one of `run` and `command`", job);
    const command = job.command;
    if (hasCommand && (!Array.isArray(command) || command.length === 0 || !command.every(isLineSafe))) {
      throw BatchError.invalid(`${at}.command`, "a non-empty argv array of strings without newlines", command);
    }
  });
  return jobs as readonly BatchJob[];
}

function isLineSafe(word: unknown): boolean {
  return typeof word === "string" && !/[\n\r\0]/.test(word);
}

function normalizeShuffle(spec: BatchSpec["shuffle"]): BatchOptions["shuffle"] {
  if (spec === undefined || spec === false) return false;
  if (typeof spec !== "object" || spec === null) throw BatchError.invalid("shuffle", "`false` or `{seed?}`", spec);
  const { seed } = spec;
  if (seed === undefined) return { seed: null };
  if ((typeof seed === "string" && seed !== "") || (typeof seed === "number" && Number.isFinite(seed))) {
    return { seed: String(seed) };
  }
  throw BatchError.invalid("shuffle.seed", "a non-empty string or a finite number", seed);
}

function positiveInteger(field: string, value: unknown, note = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw BatchError.invalid(field, `a positive integer${note}`, value);
  }
  return value;
}

/** The longest delay a timer honours: above it, node's `setTimeout` fires after 1 ms and would kill every run. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay the runner arms as a timer: positive and at most {@link MAX_TIMER_MS} (about 24.8 days). */
function timerMs(field: string, option: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    const rule = `a positive number of milliseconds at most ${MAX_TIMER_MS} (\`${option}\`; a timer cannot wait longer)`;
    throw BatchError.invalid(field, rule, value);
  }
  return value;
}
