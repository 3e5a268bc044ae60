/**
 * boot ─► placeVms(lease) ─► hosts: root through sudo-g5k, libvirt's disk directory (host-root)
 *      ─► the VMs' keys: SMBIOS credential in each domain, NFS home access for the VMs' IPs
 *      ─► startVms on the hosts ─► wait for SSH on every VM (their keys trusted on first use) ─► state
 *
 * Every key grant happens before the first `virsh create`: a VM's key-copy unit runs once at boot, and the IPs
 * are known from the lease, not from the running VMs.
 */
import type { StepContext } from "../../../types.ts";
import { grantHomeAccess } from "../../api/index.ts";
import { startVms, vmSpecsOf } from "../../vms/index.ts";
import type { ProviderContext } from "../context.ts";
import { saveState, type Grid5000State } from "../state.ts";
import { grantRootOnHosts } from "./host-root.ts";

export async function boot(c: ProviderContext, state: Grid5000State, ctx: StepContext): Promise<Grid5000State> {
  ctx.progress("boot");
  const spec = c.specFor("boots");
  if (state.steps.boot !== undefined && state.vms !== undefined) return state;
  const { effects, settings } = c;
  const vms = c.planOf(spec, state).vms;
  const subnets = state.lease!.subnets;
  const used = [...new Set(vms.map((v) => Math.floor(v.slot / 1021)))].map((i) => subnets[i]);
  ctx.log(`boot: ${vms.length} VMs on ${state.lease!.nodes.length} hosts, addresses from ${used.join(", ")}`);
  const rootKeys = await grantRootOnHosts(c, [...new Set(vms.map((v) => v.hostFqdn!))], ctx);
  const specs = vmSpecsOf(vms).map((v) => ({ ...v, rootKeys }));
  ctx.log(`boot: root's keys (${keyCount(rootKeys)}) in every VM's domain as an SMBIOS credential`);
  if (settings.login !== undefined) {
    await grantHomeAccess(
      effects.client,
      { site: state.site, jobUid: state.lease!.jobUid, ipv4: specs.map((v) => v.ip) },
      ctx.signal,
    );
    ctx.log(`boot: NFS home access granted to the ${specs.length} VM addresses`);
  }
  // new VMs, new host keys: the deployment's known_hosts starts empty
  c.forgetVmHostKeys(state);
  ctx.log(`boot: starting ${specs.length} VMs`);
  await startVms(effects.hostExec, specs, settings.image, {
    signal: ctx.signal,
    timeoutMs: c.t.hostCommandMs,
    log: ctx.log,
  });
  state = saveState({ ...state, vms });
  const { ssh } = await c.vms(state);
  await c.eachVm(vms, (vm) => ssh.waitForSsh(c.host(vm.ip!), { timeoutMs: c.t.sshMs, signal: ctx.signal }));
  ctx.log(`boot: ${vms.length} VMs answer SSH`);
  return c.done(state, "boot");
}

const keyCount = (keys: string) => {
  const n = keys.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#")).length;
  return `${n} key${n === 1 ? "" : "s"}`;
};
