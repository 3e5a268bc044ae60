/**
 * Starting and stopping the VMs of a deployment, idempotently (grid5000.md §2.3, the `HostLauncher` of §6.1).
 * Per host, in order: list the active domains, stage the image once, then for each VM that is not active write
 * its domain file, make a fresh overlay and `virsh create` it. A domain already running is left alone, a paused
 * one resumed, so starting twice creates nothing the second time. Hosts run in parallel, each host's commands in
 * sequence.
 */
import pLimit from "p-limit";
import {
  ALREADY_STAGED,
  LIST_COMMAND,
  cleanupCommand,
  createCommand,
  destroyCommand,
  domstateCommand,
  overlayCommand,
  parseDomainNames,
  resumeCommand,
  stageImageCommand,
  type ImageSource,
} from "./commands.ts";
import { writeDomainCommand } from "./domain-xml.ts";
import { assertOk, VmError } from "./errors.ts";
import type { RemoteExec, RunOptions } from "./exec.ts";
import { byHost, DEFAULT_LAYOUT, type HostLayout, type VmSpec } from "./spec.ts";

export interface LaunchOptions extends RunOptions {
  layout?: HostLayout;
  /** Hosts worked on at once (default 100, GIRAFF's Ansible forks). */
  concurrency?: number;
  log?: (line: string) => void;
}

/** What a start did, per VM: `created`, `resumed` or `already-running`; per host, whether the image was copied. */
export interface StartReport {
  vms: Record<string, "created" | "resumed" | "already-running">;
  staged: Record<string, boolean>;
}

export async function startVms(
  exec: RemoteExec,
  vms: readonly VmSpec[],
  image: ImageSource,
  options: LaunchOptions = {},
): Promise<StartReport> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const report: StartReport = { vms: {}, staged: {} };
  const run = runner(exec, options);
  await forEachHost(vms, options, async (host, hostVms) => {
    const active = parseDomainNames((await run(host, LIST_COMMAND, "list the domains")).stdoutTail);
    const staging = await run(host, stageImageCommand(image, layout), "stage the VM image");
    report.staged[host] = !staging.stdoutTail.includes(ALREADY_STAGED);
    for (const vm of hostVms) {
      report.vms[vm.name] = active.has(vm.name) ? await keepActive(run, vm) : await create(run, vm, layout);
    }
    options.log?.(`${host}: ${hostVms.length} VMs up${report.staged[host] ? " (image copied)" : ""}`);
  });
  return report;
}

/** Destroys the VMs that are active and removes every VM's overlay and domain file. */
export async function stopVms(
  exec: RemoteExec,
  vms: readonly VmSpec[],
  options: LaunchOptions = {},
): Promise<Record<string, "destroyed" | "not-running">> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const outcome: Record<string, "destroyed" | "not-running"> = {};
  const run = runner(exec, options);
  await forEachHost(vms, options, async (host, hostVms) => {
    const active = parseDomainNames((await run(host, LIST_COMMAND, "list the domains")).stdoutTail);
    for (const vm of hostVms) {
      if (active.has(vm.name)) await run(host, destroyCommand(vm), `destroy VM ${vm.name}`);
      await run(host, cleanupCommand(vm, layout), `remove the files of VM ${vm.name}`);
      outcome[vm.name] = active.has(vm.name) ? "destroyed" : "not-running";
    }
  });
  return outcome;
}

type Run = (host: string, command: string, what: string) => Promise<{ stdoutTail: string }>;

function runner(exec: RemoteExec, options: RunOptions): Run {
  const opts: RunOptions = {};
  if (options.timeoutMs !== undefined) opts.timeoutMs = options.timeoutMs;
  if (options.signal !== undefined) opts.signal = options.signal;
  return async (host, command, what) => assertOk(host, command, await exec.exec(host, command, opts), what);
}

async function keepActive(run: Run, vm: VmSpec): Promise<"resumed" | "already-running"> {
  const state = (await run(vm.host, domstateCommand(vm), `read the state of VM ${vm.name}`)).stdoutTail.trim();
  if (state === "running") return "already-running";
  if (state === "paused") {
    await run(vm.host, resumeCommand(vm), `resume VM ${vm.name}`);
    return "resumed";
  }
  throw new VmError({
    reason: "unexpected-state",
    message: `VM ${vm.name} on ${vm.host} is active but ${JSON.stringify(state)}, neither running nor paused; stop it first.`,
    host: vm.host,
    command: domstateCommand(vm),
  });
}

async function create(run: Run, vm: VmSpec, layout: HostLayout): Promise<"created"> {
  await run(vm.host, writeDomainCommand(vm, layout), `write the domain of VM ${vm.name}`);
  await run(vm.host, overlayCommand(vm, layout), `create the overlay of VM ${vm.name}`);
  await run(vm.host, createCommand(vm, layout), `create VM ${vm.name}`);
  return "created";
}

async function forEachHost(
  vms: readonly VmSpec[],
  options: LaunchOptions,
  work: (host: string, vms: VmSpec[]) => Promise<void>,
): Promise<void> {
  const limit = pLimit(options.concurrency ?? 100);
  const results = await Promise.allSettled([...byHost(vms)].map(([host, group]) => limit(() => work(host, group))));
  const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const errors = failures.map((f) => (f instanceof VmError ? f : undefined)).filter((f) => f !== undefined);
    throw new VmError({
      reason: "command-failed",
      message: `${failures.length} hosts failed: ${failures.map((f) => (f as Error).message.split("\n")[0]).join(" ")}`,
      failures: errors,
      cause: failures[0],
    });
  }
}
