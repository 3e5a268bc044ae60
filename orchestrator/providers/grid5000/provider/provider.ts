/**
 * The `grid5000` provider (DESIGN.md §3.6): the API client, planning, the SSH transport, the VM launcher and netem
 * assembled into the provider steps, one file per step under `steps/` over a shared {@link ProviderContext}, with
 * the state saved after every step so a resumed campaign adopts the same job and skips what is done. Time limits
 * are named in timeouts.ts.
 *
 *   reserve        steps/reserve.ts          guard (127) ─► adopt by name │ POST ─► Lease
 *   boot           steps/boot.ts             place VMs ─► host-root (sudo-g5k) ─► key grants ─► startVms ─► SSH
 *   deploy         steps/deploy.ts           secrets ─► runtime on every VM ─► tunnels ─► every node registered
 *   emulateNetwork steps/emulate-network.ts  tc HTB/netem per VM ─► ping every emulated pair
 *   collect        steps/collect.ts          stop ─► sftp events/ and logs/ into the run directory
 *   reset          steps/reset.ts            stop ─► reboot, boot id changed ─► SSH
 *   release        steps/release.ts          DELETE the job (also on failure and interrupt)
 */
import type { Provider } from "../../types.ts";
import { toProviderPlan } from "../plan/index.ts";
import { ProviderContext, type Grid5000ProviderEffects, type Grid5000ProviderOptions } from "./context.ts";
import type { Grid5000State } from "./state.ts";
import { boot } from "./steps/boot.ts";
import { collect } from "./steps/collect.ts";
import { deploy } from "./steps/deploy.ts";
import { emulateNetwork } from "./steps/emulate-network.ts";
import { release } from "./steps/release.ts";
import { reserve } from "./steps/reserve.ts";
import { reset } from "./steps/reset.ts";

export type { Grid5000ProviderEffects, Grid5000ProviderOptions, VmAccess } from "./context.ts";

export function grid5000Provider(
  opts: Grid5000ProviderOptions,
  effects: Grid5000ProviderEffects,
): Provider<Grid5000State> {
  const c = new ProviderContext(opts, effects);
  return {
    name: "grid5000",
    // a plan the testbed cannot hold is still a plan: its problems say why, the campaign refuses it (reserve too)
    plan: async (s) => toProviderPlan(c.planOf(s, undefined, { infeasible: "keep" })),
    reserve: (s, previous, ctx) => reserve(c, s, previous, ctx),
    boot: (state, ctx) => boot(c, state, ctx),
    deploy: (state, runtime, _runDir, ctx) => deploy(c, state, runtime, ctx),
    emulateNetwork: (state, ctx) => emulateNetwork(c, state, ctx),
    collect: (state, runDir, ctx) => collect(c, state, runDir, ctx),
    reset: (state, ctx) => reset(c, state, ctx),
    release: (state, ctx) => release(c, state, ctx),
  };
}
