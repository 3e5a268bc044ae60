/**
 * The `host-root` step of boot: on every host of the job, as the login, `sudo-g5k` gives root the login's keys;
 * then root must log in, and libvirt's disk directory is bind-mounted (vms/root-access.ts). Its transcript lines
 * (`host-root: …`) come before any libvirt command.
 */
import type { StepContext } from "../../../types.ts";
import { grantRootOnHosts as grant } from "../../vms/index.ts";
import type { ProviderContext } from "../context.ts";

/** Resolves to the login's keys, which the VMs' root gets too. */
export async function grantRootOnHosts(c: ProviderContext, hosts: string[], ctx: StepContext): Promise<string> {
  ctx.progress("boot: host-root");
  ctx.log(`host-root: sudo-g5k on ${hosts.length} hosts as ${c.settings.login ?? "the login"}`);
  const { hostLoginExec, hostRootExec, hostExec } = c.effects;
  const keys = await grant({ loginExec: hostLoginExec, rootExec: hostRootExec, exec: hostExec }, hosts, {
    signal: ctx.signal,
    timeoutMs: c.t.hostCommandMs,
    log: (line) => ctx.log(`host-root: ${line}`),
  });
  ctx.log(`host-root: root logs in on all ${hosts.length} hosts`);
  return keys;
}
