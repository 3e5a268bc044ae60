/**
 * GNU parallel's `--joblog` format, byte for byte: TAB-separated, one header, Starttime in epoch seconds with three
 * decimals, JobRuntime right-aligned to width 10. Lines are appended in completion order; GNU's `--resume` matches
 * them by Seq alone, so Seq must be stable across invocations (see README.md).
 */
import type { RunRecord } from "./types.ts";

export const JOBLOG_HEADER = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";

/** One parsed joblog line. */
export interface JoblogEntry {
  seq: number;
  host: string;
  startTime: number;
  runtime: number;
  send: number;
  receive: number;
  exit: number;
  signal: number;
  command: string;
}

/** GNU's rule: a run failed iff its Exitval or its Signal is not 0. */
export function isJoblogFailure(entry: Pick<JoblogEntry, "exit" | "signal">): boolean {
  return entry.exit !== 0 || entry.signal !== 0;
}

/** Quotes one word as GNU parallel's `Q()` does, so our Command column equals the one parallel would write. */
export function gnuQuote(word: string): string {
  if (word === "") return "''";
  if (!/[^-_.+a-z0-9/]/i.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`.replace(/^''/, "").replace(/''$/, "");
}

/**
 * The Command column for a run: a command's argv, quoted for a shell (so GNU's `--retry-failed` can replay it),
 * prefixed with `GIRAFF_RUN_KEY=<key>` when the argv does not name the key itself; an in-process run is `giraff-run <key>`.
 */
export function commandLine(key: string, argv: readonly string[] | undefined): string {
  if (argv === undefined) return `giraff-run ${gnuQuote(key)}`;
  const line = argv.map(gnuQuote).join(" ");
  return argv.includes(key) ? line : `GIRAFF_RUN_KEY=${gnuQuote(key)} ${line}`;
}

/** The joblog line for a finished attempt. */
export function formatJoblogLine(record: RunRecord): string {
  const start = (record.startedAt / 1000).toFixed(3);
  const runtime = ((record.endedAt - record.startedAt) / 1000).toFixed(3).padStart(10);
  const fields = [record.seq, ":", start, runtime, 0, record.receive, record.exit, record.signal, record.command];
  return fields.join("\t");
}

/** Parses one joblog line (ours or GNU's); null when it is not one. */
export function parseJoblogLine(line: string): JoblogEntry | null {
  const fields = line.split("\t");
  if (fields.length < 9) return null;
  const [seq, host, start, runtime, send, receive, exit, signal] = fields as [string, ...string[]];
  const numbers = [start, runtime, send, receive, exit, signal].map((f) => Number(f));
  if (!/^\d+$/.test(seq) || numbers.some((n) => !Number.isFinite(n)) || !/^-?\d+$/.test(exit!.trim())) return null;
  const [startTime, run, sent, received, exitval, sig] = numbers as [number, number, number, number, number, number];
  const command = fields.slice(8).join("\t");
  return {
    seq: Number(seq),
    host: host!,
    startTime,
    runtime: run,
    send: sent,
    receive: received,
    exit: exitval,
    signal: sig,
    command,
  };
}
