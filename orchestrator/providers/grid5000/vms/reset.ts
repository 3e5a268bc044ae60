/**
 * Resetting VMs between runs without a new reservation (grid5000.md §2.4, the `Resetter` of §6.1): read the
 * kernel's boot id, ask the VM to reboot, then poll the boot id until it differs. The boot id is random per boot,
 * so a changed id proves a reboot happened; "SSH answers again" does not (the reboot may not have started yet).
 * While the VM is down the reads fail or time out; that is waiting, not an error. Only the deadline is.
 */
import pLimit from "p-limit";
import type { Clock } from "../transport/index.ts";
import { assertOk, VmError } from "./errors.ts";
import type { RemoteExec } from "./exec.ts";

export const BOOT_ID_COMMAND = "cat /proc/sys/kernel/random/boot_id";
/** Detached, so the SSH command returns before the connection drops. */
export const REBOOT_COMMAND = "nohup sh -c 'sleep 1; systemctl reboot' >/dev/null 2>&1 &";

const BOOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ResetOptions {
  clock: Clock;
  /** Give up after this long (default 500 s, GIRAFF's `timeout` around each reboot step). */
  timeoutMs?: number;
  /** Pause between boot-id reads (default 5 s). */
  pollMs?: number;
  /** Time limit of each read (default 10 s), so a read on a VM going down does not hang. */
  readTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ResetResult {
  vm: string;
  before: string;
  after: string;
  waitedMs: number;
  /** Boot-id reads after the reboot, failed ones included. */
  polls: number;
}

/** Reboots the VM reached as `vm` and resolves once its boot id changed; a `reset-timeout` VmError otherwise. */
export async function resetVm(exec: RemoteExec, vm: string, options: ResetOptions): Promise<ResetResult> {
  const { clock, timeoutMs = 500_000, pollMs = 5_000, readTimeoutMs = 10_000, signal } = options;
  const before = await readBootId(exec, vm, { timeoutMs: readTimeoutMs, signal });
  if (before === undefined) {
    throw new VmError({ reason: "command-failed", message: `Could not read the boot id of ${vm}.`, host: vm });
  }
  assertOk(vm, REBOOT_COMMAND, await exec.exec(vm, REBOOT_COMMAND, { timeoutMs: readTimeoutMs, signal }), "reboot");
  const start = clock.now();
  let polls = 0;
  let last: string;
  for (;;) {
    await clock.sleep(pollMs, signal);
    polls++;
    let after: string | undefined;
    try {
      after = await readBootId(exec, vm, { timeoutMs: readTimeoutMs, signal });
      last = after === undefined ? "unreadable" : `still ${before}`;
    } catch (err) {
      if (signal?.aborted) throw err;
      last = `unreachable (${(err as Error).message.split("\n")[0]})`;
    }
    if (after !== undefined && after !== before) return { vm, before, after, waitedMs: clock.now() - start, polls };
    if (clock.now() - start >= timeoutMs) {
      throw new VmError({
        reason: "reset-timeout",
        message: `${vm} did not come back with a new boot id within ${timeoutMs} ms (${polls} reads; last: ${last}).`,
        host: vm,
        command: BOOT_ID_COMMAND,
      });
    }
  }
}

/** Resets every VM (at most `concurrency` at once); one `reset-failed` VmError lists the VMs that failed. */
export async function resetVms(
  exec: RemoteExec,
  vms: readonly string[],
  options: ResetOptions & { concurrency?: number },
): Promise<ResetResult[]> {
  const limit = pLimit(options.concurrency ?? 100);
  const settled = await Promise.allSettled(vms.map((vm) => limit(() => resetVm(exec, vm, options))));
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as Error] : []));
  if (failures.length > 0) {
    const listed = failures.slice(0, 10).map((f) => f.message.split("\n")[0]);
    throw new VmError({
      reason: "reset-failed",
      message: `${failures.length} of ${vms.length} VMs were not reset: ${listed.join(" ")}`,
      failures: failures.filter((f): f is VmError => f instanceof VmError),
      cause: failures[0],
    });
  }
  return settled.map((s) => (s as PromiseFulfilledResult<ResetResult>).value);
}

async function readBootId(
  exec: RemoteExec,
  vm: string,
  opts: { timeoutMs: number; signal: AbortSignal | undefined },
): Promise<string | undefined> {
  const outcome = await exec.exec(vm, BOOT_ID_COMMAND, opts.signal ? opts : { timeoutMs: opts.timeoutMs });
  const id = outcome.stdoutTail.trim();
  return outcome.exitCode === 0 && BOOT_ID.test(id) ? id : undefined;
}
