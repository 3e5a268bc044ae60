/**
 * The one effect VM and network-emulation steps need: run a shell command on a host and read what it printed.
 * A non-zero exit is an answer here, not an exception, because idempotency checks (`virsh domstate` on a domain
 * that does not exist) branch on it. `execOverTransport` adapts the SSH transport, which throws on a non-zero exit.
 */
import { isRemoteCommandError } from "../transport/index.ts";
import type { ExecOptions, HostLike } from "../transport/index.ts";

export interface ExecOutcome {
  exitCode: number;
  stdoutTail: string;
  stderrTail: string;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs `command` on `host`; rejects only when no exit code was obtained (unreachable, timeout, cancelled). */
export interface RemoteExec {
  exec(host: string, command: string, options?: RunOptions): Promise<ExecOutcome>;
}

/** What `execOverTransport` needs of `SshTransport`. */
export interface ExecTransport {
  exec(
    host: HostLike,
    command: string,
    opts?: ExecOptions,
  ): Promise<{ exitCode: number; stdoutTail: string; stderrTail: string }>;
}

/** A `RemoteExec` over the SSH transport: a failed command becomes its exit code; transport failures still throw. */
export function execOverTransport(transport: ExecTransport): RemoteExec {
  return {
    async exec(host, command, options = {}) {
      try {
        const { exitCode, stdoutTail, stderrTail } = await transport.exec(host, command, options);
        return { exitCode, stdoutTail, stderrTail };
      } catch (err) {
        if (isRemoteCommandError(err) && err.exitCode !== undefined && !err.timedOut && !err.isCanceled) {
          return { exitCode: err.exitCode, stdoutTail: err.stdoutTail, stderrTail: err.stderrTail };
        }
        throw err;
      }
    },
  };
}
