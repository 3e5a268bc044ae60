/** collect ─► stop (flushes events) ─► sftp events/ and logs/ of every VM into the run directory */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { StepContext } from "../../../types.ts";
import type { ProviderContext } from "../context.ts";
import type { Grid5000State } from "../state.ts";
import { listRunFilesCommand, vmDir } from "../vm-runtime.ts";

export async function collect(c: ProviderContext, state: Grid5000State, runDir: string, ctx: StepContext) {
  ctx.progress("collect");
  ctx.log("collect: stopping the runtime");
  await c.stopRuntime(state, ctx.signal);
  const { ssh } = await c.vms(state);
  let files = 0;
  await c.eachVm(c.vmsOf(state), async (vm) => {
    const listed = await c.sshExec(state, vm.ip!, listRunFilesCommand(c.rt, vm), ctx.signal);
    for (const rel of listed.stdoutTail.split("\n").filter((l) => /^(events|logs)\//.test(l))) {
      const local = rel.startsWith("events/") ? join(runDir, rel) : join(runDir, "logs", vm.name, rel.slice(5));
      mkdirSync(dirname(local), { recursive: true });
      await ssh.get(c.host(vm.ip!), `${vmDir(c.rt, vm)}/${rel}`, local, { signal: ctx.signal });
      files++;
    }
  });
  ctx.log(`collect: ${files} files from ${c.vmsOf(state).length} VMs`);
}
