/**
 * release ─► close the tunnels ─► DELETE the job (also on failure and interrupt: the caller's `finally`), found by
 * name when its submission was cut short ─► stop a runtime still running ─► close every connection
 */
import type { StepContext } from "../../../types.ts";
import { deleteJob, findActiveJob } from "../../api/index.ts";
import type { ProviderContext } from "../context.ts";
import { loadState, saveState, type Grid5000State } from "../state.ts";

export async function release(c: ProviderContext, given: Grid5000State, ctx: StepContext): Promise<void> {
  ctx.progress("release");
  const { effects } = c;
  // the file is the truth: the caller's copy may predate the step that was interrupted
  const state = (given.stateDir === undefined ? undefined : loadState(given.stateDir)) ?? given;
  try {
    await c.closeTunnels();
    const jobUid = state.lease?.jobUid ?? (await orphanJob(c, state));
    if (jobUid !== undefined && state.released === undefined) {
      // first, and with no signal: an interrupted campaign must still delete its job
      await deleteJob(effects.client, { site: state.site, uid: jobUid });
      ctx.log(`release: deleted job ${jobUid} on ${state.site}`);
      saveState({ ...state, released: new Date().toISOString() });
    }
    if (state.dirty === true && state.vms !== undefined) {
      // VMs end with the job; VMs played by something else (simulated hosts) need their runtime stopped
      await c
        .stopRuntime(state, AbortSignal.timeout(c.t.releaseStopMs))
        .catch((err: unknown) => ctx.log(`release: could not stop the runtime: ${(err as Error).message}`));
    }
  } finally {
    c.spec = undefined;
    await c.closeVms();
    await effects.close();
  }
}

/** A job of ours whose submission was cut short before its lease was saved, found by name. */
async function orphanJob(c: ProviderContext, state: Grid5000State): Promise<number | undefined> {
  if (state.site === undefined || state.jobName === undefined) return undefined;
  return (await findActiveJob(c.effects.client, state.site, state.jobName))?.uid;
}
