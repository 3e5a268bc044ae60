/**
 * Running one command on many hosts (STYLE.md §9): every host gets an outcome, successes and failures alike, and
 * the caller either receives them all (`continueOnError`) or one `FanOutError` naming every failed host.
 */
import pLimit from "p-limit";
import { RemoteCommandError } from "./errors.ts";
import type { ExecResult } from "./types.ts";

export type HostOutcome =
  { host: string; ok: true; result: ExecResult } | { host: string; ok: false; error: RemoteCommandError };

/** Per-host outcomes, in the order the hosts were given. */
export class ExecAllResults {
  constructor(
    readonly command: string,
    readonly outcomes: readonly HostOutcome[],
  ) {}

  /** Results of the hosts where the command exited 0. */
  ok(): ExecResult[] {
    return this.outcomes.flatMap((o) => (o.ok ? [o.result] : []));
  }

  /** Errors of the hosts where it did not (exit code, timeout, unreachable…). */
  failed(): RemoteCommandError[] {
    return this.outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
  }

  filter(predicate: (outcome: HostOutcome) => boolean): HostOutcome[] {
    return this.outcomes.filter(predicate);
  }
}

/** A fan-out where some hosts failed; `failures` has each host's `RemoteCommandError`, `results` all outcomes. */
export class FanOutError extends Error {
  override name = "FanOutError";
  readonly command: string;
  readonly failedHosts: string[];
  readonly failures: RemoteCommandError[];
  readonly results: ExecAllResults;

  constructor(results: ExecAllResults) {
    const failures = results.failed();
    const total = results.outcomes.length;
    const listed = failures.slice(0, 10).map((e) => `${e.host} (${shortReason(e)})`);
    const more = failures.length > listed.length ? `, and ${failures.length - listed.length} more` : "";
    super(
      `\`${results.command}\` failed on ${failures.length} of ${total} hosts: ${listed.join(", ")}${more}.\n` +
        `First failure: ${failures[0]?.message ?? "none"}`,
      { cause: failures[0] },
    );
    this.command = results.command;
    this.failures = failures;
    this.failedHosts = failures.map((e) => e.host);
    this.results = results;
  }
}

export function isFanOutError(err: unknown): err is FanOutError {
  return err instanceof FanOutError;
}

/** Runs `run(host)` for every host, at most `concurrency` at once; throws `FanOutError` unless `continueOnError`. */
export async function fanOut<H>(
  hosts: readonly H[],
  nameOf: (host: H) => string,
  command: string,
  run: (host: H) => Promise<ExecResult>,
  opts: { concurrency: number; continueOnError: boolean },
): Promise<ExecAllResults> {
  const limit = pLimit(opts.concurrency);
  const outcomes = await Promise.all(
    hosts.map((spec) =>
      limit(async (): Promise<HostOutcome> => {
        const host = nameOf(spec);
        try {
          return { host, ok: true, result: await run(spec) };
        } catch (err) {
          const error = err instanceof RemoteCommandError ? err : wrap(host, command, err);
          return { host, ok: false, error };
        }
      }),
    ),
  );
  const results = new ExecAllResults(command, outcomes);
  if (!opts.continueOnError && results.failed().length > 0) throw new FanOutError(results);
  return results;
}

function wrap(host: string, command: string, err: unknown): RemoteCommandError {
  const detail = `It failed locally: ${err instanceof Error ? err.message : String(err)}`;
  return new RemoteCommandError({ host, command, durationMs: 0, detail, cause: err });
}

function shortReason(e: RemoteCommandError): string {
  if (e.isCanceled) return "canceled";
  if (e.timedOut) return "timed out";
  if (e.isUnreachable) return "unreachable";
  if (e.isAuthFailure) return "authentication failed";
  if (e.isHostKeyRejected) return "host key rejected";
  if (e.signal !== undefined) return `signal ${e.signal}`;
  if (e.exitCode !== undefined) return `exit ${e.exitCode}`;
  return "failed";
}
