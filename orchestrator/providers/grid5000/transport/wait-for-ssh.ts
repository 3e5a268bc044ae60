/**
 * Waiting for a machine to accept SSH: a booting node or VM refuses connections, then rejects keys until
 * cloud-init or the NFS unit installs them, then answers. Every failure is retried with backoff until the deadline.
 */
import type { BackoffOptions } from "../../../../runtime/util/backoff.ts";
import { retry, RetryGaveUp } from "../../../../runtime/util/retry.ts";
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
  const waited = () => opts.clock.now() - started;
  try {
    return await retry(
      async ({ attempt: n, remainingMs }) => {
        await attempt(Math.min(remainingMs, opts.connectTimeoutMs));
        return { attempts: n, durationMs: waited() };
      },
      {
        backoff: opts.backoff ?? { initialMs: 250, factor: 1.5, maxMs: 5_000 },
        deadlineMs: opts.timeoutMs,
        clock: opts.clock,
        signal: opts.signal,
        // a refused or reset connection, a rejected key: the machine is still booting; a cancel is not
        retryable: (err) => err instanceof RemoteCommandError && !err.isCanceled,
        onRetry: (err, { attempt: n }) =>
          opts.logger.info(`Waiting for SSH on ${host} (attempt ${n}): ${(err as Error).message.split("\n")[0]}`),
      },
    );
  } catch (err) {
    if (err instanceof RetryGaveUp) throw gaveUp(host, opts.timeoutMs, err.attempts, err.last as RemoteCommandError);
    if (opts.signal?.aborted === true && !(err instanceof RemoteCommandError)) {
      throw canceled(host, waited(), opts.signal.reason);
    }
    throw err;
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
