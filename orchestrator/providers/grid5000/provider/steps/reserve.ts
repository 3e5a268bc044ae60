/**
 * reserve ─ guard (127) ─► usage policy ─► reserveJob (adopt by name │ POST) ─► Lease ─► state
 *
 * A saved lease whose job still runs is adopted as it is; otherwise a new job is reserved and whatever the old one
 * had (VMs, runtime) is forgotten with it.
 */
import type { DeploymentSpec, StepContext } from "../../../types.ts";
import { checkJobRunning, reserveJob } from "../../api/index.ts";
import { checkEndingAfter, checkUsagePolicy, CLUSTER_HOSTS, jobWindow } from "../../plan/index.ts";
import type { ProviderContext } from "../context.ts";
import { Grid5000ProviderError } from "../errors.ts";
import { loadState, saveState, type Grid5000State } from "../state.ts";

export async function reserve(
  c: ProviderContext,
  s: DeploymentSpec,
  previous: Grid5000State | undefined,
  ctx: StepContext,
): Promise<Grid5000State> {
  ctx.progress("reserve");
  const { settings, effects, opts } = c;
  c.spec = s;
  // the file is the truth: a failed run may have left the deployment dirty after the caller's last copy
  const saved = loadState(s.stateDir) ?? previous;
  let state: Grid5000State = saved ?? {
    provider: "grid5000",
    topologyKey: s.topologyKey,
    stateDir: s.stateDir,
    site: settings.site,
    jobName: c.jobNameOf(s),
    steps: {},
    dirty: false,
  };
  if (state.lease !== undefined && state.released === undefined) {
    try {
      await checkJobRunning(effects.client, { site: state.site, uid: state.lease.jobUid }, ctx.signal);
      ctx.log(`reserve: adopted job ${state.lease.jobUid} on ${state.site} from ${s.stateDir}`);
      return state;
    } catch (err) {
      ctx.log(`reserve: job ${state.lease.jobUid} is gone (${(err as Error).message}); reserving again`);
    }
  }
  // a new job: whatever the old one had (VMs, runtime) is gone with it
  state = saveState({ ...state, lease: undefined, vms: undefined, released: undefined, dirty: false, steps: {} });
  // the job's real window: its reservation's start (G5K_RESERVATION) or now, plus the walltime
  const window = jobWindow({ nowMs: effects.clock.now(), walltimeS: s.walltimeS, reservation: settings.reservation });
  const verdict = checkEndingAfter({
    nowMs: window.startMs,
    walltimeS: s.walltimeS,
    policy: opts.guard.policy,
    anchorMs: opts.guard.anchorMs,
  });
  if (!verdict.allowed) throw new Grid5000ProviderError(verdict.reason, { reason: "ends-too-late" });
  // an infeasible plan (hosts, subnets) throws here, before anything is submitted
  const plan = c.planOf(s);
  const usage = checkUsagePolicy({
    window,
    hosts: plan.hosts,
    cluster: plan.cluster,
    clusterHosts: Object.hasOwn(CLUSTER_HOSTS, plan.cluster)
      ? CLUSTER_HOSTS[plan.cluster as keyof typeof CLUSTER_HOSTS].hosts
      : undefined,
    allowDayJobs: opts.guard.allowDayJobs ?? false,
  });
  if (!usage.allowed) throw new Grid5000ProviderError(usage.reason, { reason: "ends-too-late" });
  if (usage.warning !== undefined) ctx.log(`reserve: warning: ${usage.warning}`);
  // never start a submission that nobody will wait for
  ctx.signal.throwIfAborted();
  ctx.log(`reserve: submitting or adopting job ${state.jobName} on ${settings.site}`);
  const outcome = await reserveJob(effects.client, settings.site, plan.submission, { signal: ctx.signal });
  if (outcome.dryRun) throw new Error("unreachable: reserveJob without dryRun");
  const { lease, adopted } = outcome;
  ctx.log(`reserve: job ${lease.jobUid} running on ${lease.nodes.length} hosts${adopted ? " (adopted)" : ""}`);
  return c.done(state, "reserve", { lease });
}
