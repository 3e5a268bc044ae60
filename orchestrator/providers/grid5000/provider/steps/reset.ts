/** reset ─► stop ─► reboot every VM, boot id changed ─► known_hosts emptied ─► SSH answers ─► state (clean) */
import type { StepContext } from "../../../types.ts";
import { resetVms } from "../../vms/index.ts";
import type { ProviderContext } from "../context.ts";
import type { Grid5000State } from "../state.ts";

export async function reset(c: ProviderContext, state: Grid5000State, ctx: StepContext): Promise<Grid5000State> {
  ctx.progress("reset");
  const vms = c.vmsOf(state);
  ctx.log(`reset: rebooting ${vms.length} VMs`);
  await c.stopRuntime(state, ctx.signal);
  const { ssh, systemExec } = await c.vms(state);
  await resetVms(
    systemExec,
    vms.map((v) => v.ip!),
    { clock: c.effects.clock, timeoutMs: c.t.resetMs, pollMs: c.t.resetPollMs, signal: ctx.signal },
  );
  // a rebooted VM is trusted on first use again, as a new one is
  c.forgetVmHostKeys(state);
  await c.eachVm(vms, (vm) => ssh.waitForSsh(c.host(vm.ip!), { timeoutMs: c.t.sshMs, signal: ctx.signal }));
  ctx.log(`reset: ${vms.length} VMs rebooted`);
  return c.done(state, "reset", { dirty: false });
}
