/**
 * The VM steps' error (STYLE.md §9): a reason constant to branch on, the host and command involved, and the
 * command's exit code and output tails, with a message that reads as sentences.
 */
import type { ExecOutcome } from "./exec.ts";

export type VmErrorReason =
  | "not-placed" // a VM of the plan has no host, IP or MAC: the plan was made without a lease
  | "command-failed" // a command exited non-zero
  | "unexpected-state" // a domain is neither running nor paused
  | "reset-timeout" // the boot id did not change in time
  | "reset-failed" // some VMs of a fan-out could not be reset
  | "no-root"; // root cannot log in to a host after sudo-g5k

export class VmError extends Error {
  override name = "VmError";
  readonly reason: VmErrorReason;
  readonly host: string | undefined;
  readonly command: string | undefined;
  readonly exitCode: number | undefined;
  readonly stderrTail: string;
  /** Per-VM errors of a fan-out (`reset-failed`). */
  readonly failures: VmError[];

  constructor(opts: {
    reason: VmErrorReason;
    message: string;
    host?: string;
    command?: string;
    outcome?: ExecOutcome;
    failures?: VmError[];
    cause?: unknown;
  }) {
    const stderr = opts.outcome?.stderrTail.trimEnd() ?? "";
    super(stderr === "" ? opts.message : `${opts.message}\nstderr:\n${stderr.slice(-500)}`, { cause: opts.cause });
    this.reason = opts.reason;
    this.host = opts.host;
    this.command = opts.command;
    this.exitCode = opts.outcome?.exitCode;
    this.stderrTail = opts.outcome?.stderrTail ?? "";
    this.failures = opts.failures ?? [];
  }
}

export function isVmError(err: unknown): err is VmError {
  return err instanceof VmError;
}

/** Throws a `command-failed` VmError unless the command exited 0; `what` says what the command was for. */
export function assertOk(host: string, command: string, outcome: ExecOutcome, what: string): ExecOutcome {
  if (outcome.exitCode === 0) return outcome;
  const firstLine = command.split("\n")[0];
  throw new VmError({
    reason: "command-failed",
    message: `Could not ${what} on ${host}: \`${firstLine}\` exited with code ${outcome.exitCode}.`,
    host,
    command,
    outcome,
  });
}
