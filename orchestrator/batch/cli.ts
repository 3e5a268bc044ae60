/**
 * The batch runner from a shell, for manual use and for the kill/resume test:
 *
 *   tsx orchestrator/batch/cli.ts --dir D --mode resume --jobs 10 --concurrency 2 -- node work.mjs {key}
 *
 * Jobs are `job-01` … `job-N` (or `--keys a,b,c`); in the command template `{}` and `{key}` become the run key and
 * `{#}` and `{seq}` the Seq. Exit status: GNU's (failed runs, capped at 101), 130 when interrupted, 2 for a bad
 * command line (with the usage; also an option's value the batch runner refuses), 255 when the batch cannot start
 * (GNU's "other error": a locked folder, an existing joblog in fresh mode).
 */
import {
  CliError,
  consoleIo,
  isMain,
  runCommandLine,
  UsageError,
  type CliIo,
  type ParsedCommandLine,
} from "../../runtime/util/cli.ts";
import { isBatchError } from "./errors.ts";
import { runBatch } from "./run-batch.ts";
import type { BatchMode, CommandJob } from "./types.ts";

const USAGE = `Usage: npx tsx orchestrator/batch/cli.ts --dir DIR (--jobs N | --keys a,b) [options] -- COMMAND {key} ...

  --dir DIR              the batch folder (joblog, runs.jsonl, run directories)
  --jobs N               N jobs, keys job-1 … job-N
  --keys a,b             jobs with these keys
  --mode MODE            fresh, resume, resume-failed or retry-failed (default fresh)
  --concurrency K        runs at a time (default 1)
  --retries R            attempts per run (default 1)
  --timeout-ms T         per attempt
  --kill-grace-ms G      SIGKILL this long after SIGTERM
  --halt RULE            GNU's --halt rule (default never)
  --shuffle-seed S       seeded order; --shuffle for a random one
  --force                fresh mode over an existing joblog (moves it to archive/)
  --quiet                no per-run lines
  --help                 this text

In COMMAND, {} and {key} become the run key, {#} and {seq} its Seq.`;

const OPTIONS = {
  dir: { type: "string" },
  mode: { type: "string", default: "fresh" },
  jobs: { type: "string" },
  keys: { type: "string" },
  concurrency: { type: "string", default: "1" },
  retries: { type: "string", default: "1" },
  "timeout-ms": { type: "string" },
  "kill-grace-ms": { type: "string" },
  halt: { type: "string", default: "never" },
  "shuffle-seed": { type: "string" },
  shuffle: { type: "boolean", default: false },
  force: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
} as const;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  return runCommandLine(
    argv,
    USAGE,
    { options: OPTIONS, allowPositionals: true },
    io,
    async ({ values, positionals }) => {
      if (values.dir === undefined || values.dir === "") throw new UsageError("The option --dir is required.");
      if (positionals.length === 0) throw new UsageError("Expected a command after --, got none.");
      if ((values.jobs === undefined) === (values.keys === undefined))
        throw new UsageError("Expected exactly one of --jobs and --keys.");
      try {
        return await run(values, values.dir, positionals, io);
      } catch (err) {
        if (!isBatchError(err)) throw err;
        // a BatchError naming an option is a bad command line
        if (err.field !== "") throw new UsageError(err.message);
        throw new CliError(`batch: ${err.message}`, { exitCode: 255, cause: err });
      }
    },
  );
}

async function run(
  values: ParsedCommandLine<{ options: typeof OPTIONS }>["values"],
  dir: string,
  positionals: string[],
  io: CliIo,
): Promise<number> {
  const keys = values.keys?.split(",") ?? numberedKeys(Number(values.jobs));
  const jobs: CommandJob[] = keys.map((key, i) => ({
    key,
    params: { index: i },
    command: substitute(positionals, key, i + 1),
  }));
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    io.err(`batch: ${signal}: cancelling running runs (again to quit at once).`);
    controller.abort(signal);
  };
  process.on("SIGINT", interrupt).on("SIGTERM", interrupt);
  const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const shuffleSeed = values["shuffle-seed"];
  const summary = await runBatch({
    jobs,
    dir,
    mode: values.mode as BatchMode,
    force: values.force,
    concurrency: number(values.concurrency),
    retries: number(values.retries),
    timeoutMs: number(values["timeout-ms"]),
    killGraceMs: number(values["kill-grace-ms"]),
    halt: values.halt,
    shuffle: shuffleSeed !== undefined ? { seed: shuffleSeed } : values.shuffle ? {} : false,
    signal: controller.signal,
    effects: values.quiet ? { logger: { info: () => {}, warn: () => {} } } : {},
  });
  const { ran, succeeded, failed, skipped, cancelled, notStarted } = summary;
  io.err(
    `batch: ran ${ran} (${succeeded} ok, ${failed} failed), skipped ${skipped}, cancelled ${cancelled}, not started ${notStarted}.`,
  );
  return summary.interrupted ? 130 : summary.exitCode;
}

function numberedKeys(n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`Expected --jobs to be a whole number, got \`${n}\`.`);
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => `job-${String(i + 1).padStart(width, "0")}`);
}

function substitute(template: readonly string[], key: string, seq: number): string[] {
  return template.map((word) =>
    word.replaceAll(/\{(key|seq|#)?\}/g, (_, name?: string) => (name === "seq" || name === "#" ? String(seq) : key)),
  );
}

if (isMain(import.meta.url)) process.exit(await main(process.argv.slice(2)));
