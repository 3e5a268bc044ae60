/**
 * The batch runner from a shell, for manual use and for the kill/resume test:
 *
 *   tsx orchestrator/batch/cli.ts --dir D --mode resume --jobs 10 --concurrency 2 -- node work.mjs {key}
 *
 * Jobs are `job-01` … `job-N` (or `--keys a,b,c`); in the command template `{}` and `{key}` become the run key and
 * `{#}` and `{seq}` the Seq. Exit status: GNU's (failed runs, capped at 101), 130 when interrupted, 255 on bad usage.
 */
import { parseArgs } from "node:util";
import { isBatchError } from "./errors.ts";
import { runBatch } from "./run-batch.ts";
import type { BatchMode, CommandJob } from "./types.ts";

const USAGE =
  "Usage: cli.ts --dir DIR [--mode fresh|resume|resume-failed|retry-failed] (--jobs N | --keys a,b) [--concurrency K] [--retries R] [--timeout-ms T] [--kill-grace-ms G] [--halt RULE] [--shuffle-seed S | --shuffle] [--force] [--quiet] -- COMMAND {key} ...";

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
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
    },
  });
  if (!values.dir || positionals.length === 0 || (values.jobs === undefined) === (values.keys === undefined)) {
    console.error(USAGE);
    return 255;
  }
  const keys = values.keys?.split(",") ?? numberedKeys(Number(values.jobs));
  const jobs: CommandJob[] = keys.map((key, i) => ({
    key,
    params: { index: i },
    command: substitute(positionals, key, i + 1),
  }));
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`batch: ${signal}: cancelling running runs (again to quit at once).`);
    controller.abort(signal);
  };
  process.on("SIGINT", interrupt).on("SIGTERM", interrupt);
  const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const shuffleSeed = values["shuffle-seed"];
  const summary = await runBatch({
    jobs,
    dir: values.dir,
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
  console.error(
    `batch: ran ${ran} (${succeeded} ok, ${failed} failed), skipped ${skipped}, cancelled ${cancelled}, not started ${notStarted}.`,
  );
  return summary.interrupted ? 130 : summary.exitCode;
}

function numberedKeys(n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`Expected \`--jobs\` to be a whole number, got \`${n}\`.`);
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => `job-${String(i + 1).padStart(width, "0")}`);
}

function substitute(template: readonly string[], key: string, seq: number): string[] {
  return template.map((word) =>
    word.replaceAll(/\{(key|seq|#)?\}/g, (_, name?: string) => (name === "seq" || name === "#" ? String(seq) : key)),
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(isBatchError(err) ? `batch: ${err.message}` : err);
    // an invalid option (a BatchError naming it) is a bad command line: exit 2, like the other CLIs
    process.exit(isBatchError(err) && err.field !== "" ? 2 : 255);
  },
);
