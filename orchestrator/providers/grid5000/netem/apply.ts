/**
 * Applying and clearing the emulation on the VMs (the `NetEmulator` of grid5000.md §6.1). Each VM runs its
 * chunks in order, one exec per chunk; VMs run in parallel. Applying starts with removing the root qdisc, so
 * applying again after a failure is the retry (GIRAFF applied everything twice instead).
 */
import pLimit from "p-limit";
import type { RemoteExec, RunOptions } from "../vms/exec.ts";
import { removeCommand } from "./commands.ts";
import { NetemError, type NetemFailure } from "./errors.ts";
import type { HostNetem } from "./plan.ts";

export interface ApplyOptions extends RunOptions {
  /** VMs worked on at once (default 100). */
  concurrency?: number;
  log?: (line: string) => void;
}

/** Runs every VM's scripts; one NetemError names every VM whose chunk failed, with the chunk number. */
export async function applyNetem(exec: RemoteExec, hosts: readonly HostNetem[], options: ApplyOptions = {}) {
  await eachHost(exec, hosts, options, "apply network emulation", async (h, run) => {
    for (const [i, script] of h.scripts.entries()) await run(script, i + 1);
    options.log?.(`${h.vm}: ${h.constraints.length} destinations shaped in ${h.scripts.length} chunks`);
  });
}

/** Removes the root qdisc of every VM's device (EnOSlib's `destroy`); absent qdiscs are not errors. */
export async function clearNetem(exec: RemoteExec, hosts: readonly HostNetem[], options: ApplyOptions = {}) {
  await eachHost(exec, hosts, options, "clear network emulation", (h, run) => run(removeCommand(h.device)));
}

type RunScript = (script: string, chunk?: number) => Promise<void>;

class ChunkFailed extends Error {
  constructor(
    message: string,
    readonly chunk: number | undefined,
  ) {
    super(message);
  }
}

async function eachHost(
  exec: RemoteExec,
  hosts: readonly HostNetem[],
  options: ApplyOptions,
  what: string,
  work: (h: HostNetem, run: RunScript) => Promise<void>,
): Promise<void> {
  const opts: RunOptions = {};
  if (options.timeoutMs !== undefined) opts.timeoutMs = options.timeoutMs;
  if (options.signal !== undefined) opts.signal = options.signal;
  const limit = pLimit(options.concurrency ?? 100);
  const failures: NetemFailure[] = [];
  await Promise.all(
    hosts.map((h) =>
      limit(async () => {
        const run: RunScript = async (script, chunk) => {
          const out = await exec.exec(h.host, script, opts);
          if (out.exitCode === 0) return;
          const where = chunk === undefined ? "" : ` in chunk ${chunk} of ${h.scripts.length}`;
          const stderr = out.stderrTail.trim().split("\n").slice(-1)[0] ?? "";
          throw new ChunkFailed(`tc exited with code ${out.exitCode}${where}${stderr ? `: ${stderr}` : ""}`, chunk);
        };
        try {
          await work(h, run);
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          failures.push({ vm: h.vm, ...(err instanceof ChunkFailed && err.chunk ? { chunk: err.chunk } : {}), error });
        }
      }),
    ),
  );
  if (failures.length === 0) return;
  const listed = failures.slice(0, 10).map((f) => `On ${f.vm} (${hostOf(hosts, f.vm)}): ${f.error.message}.`);
  const more = failures.length > 10 ? ` And ${failures.length - 10} more.` : "";
  throw new NetemError({
    message: `Could not ${what} on ${failures.length} of ${hosts.length} VMs. ${listed.join(" ")}${more}`,
    failures,
    cause: failures[0]!.error,
  });
}

const hostOf = (hosts: readonly HostNetem[], vm: string) => hosts.find((h) => h.vm === vm)?.host ?? "?";
