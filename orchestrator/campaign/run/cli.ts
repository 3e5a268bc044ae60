/**
 * The command line of `run-campaign.mjs`: its options, its signals and its exit codes, around the pipeline the
 * script spells out. Exit status: the number of failed runs (at most 101), 2 for a bad campaign or bad options
 * (before anything starts), 130 when interrupted.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isBatchError, type BatchMode } from "../../batch/index.ts";
import { providerNames } from "../../providers/index.ts";
import { isCampaignConfigError } from "../config/index.ts";
import { ConfigError, ProtocolError } from "../../../runtime/protocol/errors.ts";
import { consoleIo, runCommandLine, UsageError, type CliIo } from "../../../runtime/util/cli.ts";
import { processSignals, stopOnSignals, type SignalEffects, type StopSignals } from "./stop-signals.ts";

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
  --report                    build the report (<out>/report/, about 25 s) after the figures
  --help                      this text

Ctrl-C stops the running runs (--resume reruns them) and releases the machines; a second Ctrl-C stops at once,
still releasing them.`;

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
  report: { type: "boolean" },
} as const;

/** The command line, checked: what the pipeline steps read. */
export interface CampaignOptions {
  folder: string;
  /** `--provider`; undefined: the campaign's PROVIDER. */
  provider: string | undefined;
  mode: BatchMode;
  /** Start fresh over existing results (moved to `archive/` by the batch runner). */
  force: boolean;
  jobs: number | undefined;
  retries: number;
  halt: string;
  out: string | undefined;
  dryRun: boolean;
  report: boolean;
}

/** What the pipeline gets besides its options: where lines go, and the stop signals. */
export interface CampaignShell {
  /** Results (stdout). */
  print: (line: string) => void;
  /** Progress, warnings, errors (stderr). */
  log: (line: string) => void;
  stop: Pick<StopSignals, "graceful" | "force">;
}

/**
 * Runs `pipeline` with the options after the script's own path in `argv` (however it was started: `npx zx
 * run-campaign.mjs`, `./run-campaign.mjs`, `node run-campaign.mjs`). Returns the exit status; after a forced stop
 * it exits the process (runs still winding down would keep it alive).
 */
export async function campaignCommand(
  argv: readonly string[],
  scriptUrl: string,
  pipeline: (options: CampaignOptions, shell: CampaignShell) => Promise<number>,
  io: CliIo = consoleIo,
  signals: SignalEffects = processSignals,
): Promise<number> {
  const config = { options: OPTIONS, allowPositionals: true } as const;
  return runCommandLine(argumentsAfter(argv, scriptUrl), USAGE, config, io, async ({ values, positionals }) => {
    const options = campaignOptions(values, positionals);
    const stop = stopOnSignals(io.err, signals);
    let code: number;
    try {
      code = await pipeline(options, { print: io.out, log: io.err, stop });
    } catch (err) {
      if (!isBadInput(err)) throw err;
      io.err(err.message);
      code = 2;
    } finally {
      stop.dispose();
    }
    if (stop.force.aborted) signals.exit(code);
    return code;
  });
}

function campaignOptions(
  values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "string" ? string : boolean },
  positionals: string[],
): CampaignOptions {
  if (positionals.length > 1)
    throw new UsageError(`Expected at most one campaign folder, got ${positionals.join(", ")}.`);
  const modes = (["resume", "resume-failed", "retry-failed", "fresh"] as const).filter((m) => values[m]);
  if (modes.length > 1)
    throw new UsageError(`The options --${modes.join(" and --")} contradict each other: choose one.`);
  const known = providerNames();
  if (values.provider !== undefined && !(known as string[]).includes(values.provider)) {
    throw new UsageError(
      `Expected --provider to be one of the registered providers (${known.join(", ")}), got ${JSON.stringify(values.provider)}.`,
    );
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1))
    throw new UsageError(`Expected --jobs to be a positive integer, got ${JSON.stringify(values.jobs)}.`);
  const retries = values.retries === undefined ? 1 : Number(values.retries);
  if (!(Number.isInteger(retries) && retries >= 1))
    throw new UsageError(`Expected --retries to be a positive integer, got ${JSON.stringify(values.retries)}.`);
  return {
    folder: positionals[0] ?? "experiments/default",
    provider: values.provider,
    mode: modes[0] === undefined || modes[0] === "fresh" ? "fresh" : modes[0],
    force: values.fresh ?? false,
    jobs,
    retries,
    halt: values.halt ?? "never",
    out: values.out,
    dryRun: values["dry-run"] ?? false,
    report: values.report ?? false,
  };
}

/** Errors that mean bad input (a campaign value, a provider setting, an infeasible size): exit 2, one sentence. */
function isBadInput(err: unknown): err is Error {
  return isCampaignConfigError(err) || err instanceof ConfigError || err instanceof ProtocolError || isBatchError(err);
}

/** The arguments after the script's own path. */
function argumentsAfter(argv: readonly string[], scriptUrl: string): string[] {
  const self = realpathSync(fileURLToPath(scriptUrl));
  const at = argv.findIndex((arg, i) => i > 0 && isPath(arg, self));
  if (at === -1) throw new Error(`Cannot find ${self} among the process arguments ${JSON.stringify(argv)}.`);
  return argv.slice(at + 1);
}

function isPath(arg: string, real: string): boolean {
  try {
    return realpathSync(arg) === real;
  } catch {
    return false;
  }
}
