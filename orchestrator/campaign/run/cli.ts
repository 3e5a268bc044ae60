/**
 * `npx zx run-campaign.mjs [experiments/<name>] [--provider local|grid5000] [--resume | --resume-failed |
 * --retry-failed | --fresh] [--jobs N] [--retries N] [--halt <rule>] [--out <dir>] [--dry-run]`.
 * Exit status: the number of failed runs (at most 101), 2 for a bad campaign or bad options (before anything
 * starts), 130 when interrupted.
 */
import { isBatchError, type BatchMode } from "../../batch/index.ts";
import { isCampaignConfigError, loadCampaign } from "../config/index.ts";
import { ConfigError, ProtocolError } from "../../../runtime/protocol/errors.ts";
import {
  consoleIo,
  runCommandLine,
  UsageError,
  type CliIo,
  type ParsedCommandLine,
} from "../../../runtime/util/cli.ts";

export const USAGE = `Usage: npx zx run-campaign.mjs [experiments/<name>] [options]

  --provider local|grid5000   where to run (default: the campaign's PROVIDER)
  --resume                    skip runs already finished (GNU parallel --resume)
  --resume-failed             rerun failed runs and run the rest
  --retry-failed              rerun only the failed runs
  --fresh                     start over; earlier results move to <out>/archive/
  --jobs N                    runs at a time (default NB_IN_PARALLEL)
  --retries N                 attempts per run (default 1)
  --halt RULE                 GNU-style halt rule, e.g. soon,fail=1 (default never)
  --out DIR                   results folder (default metrics-arks/<campaign>)
  --dry-run                   print the runs, topologies and what would be reserved; change nothing
  --help                      this text`;

const OPTIONS = {
  provider: { type: "string" },
  resume: { type: "boolean" },
  "resume-failed": { type: "boolean" },
  "retry-failed": { type: "boolean" },
  fresh: { type: "boolean" },
  jobs: { type: "string" },
  retries: { type: "string" },
  halt: { type: "string" },
  out: { type: "string" },
  "dry-run": { type: "boolean" },
} as const;

export async function main(args: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const config = { options: OPTIONS, allowPositionals: true } as const;
  return runCommandLine(args, USAGE, config, io, (parsed) => run(parsed, io));
}

async function run(
  { values, positionals }: ParsedCommandLine<{ options: typeof OPTIONS; allowPositionals: true }>,
  io: CliIo,
): Promise<number> {
  const fail = (message: string) => (io.err(message), 2);
  if (positionals.length > 1)
    throw new UsageError(`Expected at most one campaign folder, got ${positionals.join(", ")}.`);
  const modes = (["resume", "resume-failed", "retry-failed", "fresh"] as const).filter((m) => values[m]);
  if (modes.length > 1)
    throw new UsageError(`The options --${modes.join(" and --")} contradict each other: choose one.`);
  const mode: BatchMode = modes[0] === undefined || modes[0] === "fresh" ? "fresh" : modes[0];
  if (values.provider !== undefined && values.provider !== "local" && values.provider !== "grid5000") {
    throw new UsageError(`Expected --provider to be local or grid5000, got ${JSON.stringify(values.provider)}.`);
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1))
    throw new UsageError(`Expected --jobs to be a positive integer, got ${JSON.stringify(values.jobs)}.`);
  const retries = values.retries === undefined ? 1 : Number(values.retries);
  if (!(Number.isInteger(retries) && retries >= 1))
    throw new UsageError(`Expected --retries to be a positive integer, got ${JSON.stringify(values.retries)}.`);

  const folder = positionals[0] ?? "experiments/default";
  // a bad campaign exits 2 before the runner's modules (providers, analysis, figures: a second of loading) load
  try {
    await loadCampaign(folder);
  } catch (err) {
    if (isCampaignConfigError(err)) return fail(err.message);
    throw err;
  }
  const { runCampaign, UnavailableProviderError } = await import("./run-campaign.ts");

  const controller = new AbortController();
  const onSignal = (signal: string) => {
    io.err(`\n${signal}: stopping the running runs; they are recorded as cancelled and --resume reruns them.`);
    controller.abort(new Error(signal));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const { exitCode } = await runCampaign({
      folder,
      out: values.out,
      provider: values.provider,
      mode,
      force: values.fresh ?? false,
      jobs,
      retries,
      halt: values.halt ?? "never",
      dryRun: values["dry-run"] ?? false,
      signal: controller.signal,
      print: io.out,
      log: io.err,
    });
    return exitCode;
  } catch (err) {
    if (
      isCampaignConfigError(err) ||
      err instanceof ConfigError ||
      err instanceof ProtocolError ||
      err instanceof UnavailableProviderError
    ) {
      return fail(err.message);
    }
    if (isBatchError(err)) return fail(err.message);
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
