/**
 * Waiting for a machine to accept SSH: a booting node or VM refuses connections, then rejects keys until
 * cloud-init or the NFS unit installs them, then answers. Every failure is retried with backoff until the deadline.
 */
import { backoffDelays, type BackoffOptions } from "../../../../runtime/util/backoff.ts";
import { RemoteCommandError } from "./errors.ts";
import type { Clock, Logger } from "./types.ts";

export interface WaitForSshOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Default: 250 ms, ×1.5, at most 5 s. */
  backoff?: BackoffOptions;
}

/** Calls `attempt` (a fresh connection running `true`) until it succeeds; returns the number of attempts. */
export async function waitForSsh(
  host: string,
  attempt: (timeoutMs: number) => Promise<unknown>,
  opts: WaitForSshOptions & { clock: Clock; logger: Logger; connectTimeoutMs: number },
): Promise<{ attempts: number; durationMs: number }> {
  const started = opts.clock.now();
  const delays = backoffDelays(opts.backoff ?? { initialMs: 250, factor: 1.5, maxMs: 5_000 });
  let last: RemoteCommandError | undefined;
  for (let attempts = 1; ; attempts++) {
    const remaining = opts.timeoutMs - (opts.clock.now() - started);
    if (opts.signal?.aborted === true) throw canceled(host, opts.clock.now() - started, opts.signal.reason);
    if (remaining <= 0) throw gaveUp(host, opts.timeoutMs, attempts - 1, last);
    try {
      await attempt(Math.min(remaining, opts.connectTimeoutMs));
      return { attempts, durationMs: opts.clock.now() - started };
    } catch (err) {
      if (!(err instanceof RemoteCommandError)) throw err;
      if (err.isCanceled) throw err;
      last = err;
      opts.logger.info(`Waiting for SSH on ${host} (attempt ${attempts}): ${err.message.split("\n")[0]}`);
    }
    const wait = Math.min(delays.next().value, opts.timeoutMs - (opts.clock.now() - started));
    if (wait > 0) {
      await opts.clock.sleep(wait, opts.signal).catch((reason: unknown) => {
        throw canceled(host, opts.clock.now() - started, reason);
      });
    }
  }
}

function canceled(host: string, durationMs: number, cause: unknown): RemoteCommandError {
  return new RemoteCommandError({ host, command: "wait for ssh", durationMs, isCanceled: true, cause });
}

function gaveUp(host: string, timeoutMs: number, attempts: number, last: RemoteCommandError | undefined) {
  return new RemoteCommandError({
    host,
    command: "wait for ssh",
    durationMs: timeoutMs,
    timedOut: true,
    timeoutMs,
    isUnreachable: last?.isUnreachable ?? true,
    isAuthFailure: last?.isAuthFailure ?? false,
    detail: `${attempts} attempts failed; the last one: ${last?.message.split("\n")[0] ?? "none"}`,
    cause: last,
  });
}
