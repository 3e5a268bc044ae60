/**
 * The `grid5000` provider (DESIGN.md §3.6): the API client, planning, the SSH transport, the VM launcher and netem
 * assembled into the provider steps, with the state saved after every step so a resumed campaign adopts the same
 * job and skips what is done.
 *
 *   reserve ─ guard (127) ─► reserveJob (adopt by name │ POST) ─► Lease ─► state
 *   boot    ─► placeVms(lease) ─► startVms on the hosts ─► storage access ─► wait for SSH on every VM ─► state
 *   deploy  ─► stop + clean ─► topology.json, <role>.env ─► market, nodes, proxies, IoT ─► ready files
 *               ─► tunnels to the market and the IoT emulator ─► every node registered ─► endpoints
 *   emulateNetwork ─► tc HTB/netem per VM ─► ping every emulated pair ─► all within tolerance
 *   collect ─► stop (flushes events) ─► sftp events/ and logs/ of every VM into the run directory
 *   reset   ─► stop ─► reboot every VM, boot-id changed ─► state
 *   release ─► DELETE the job (also on failure and interrupt: the caller's `finally`)
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { request } from "../../../../runtime/http/client.ts";
import { randomSecret } from "../../../../runtime/util/secrets.ts";
import { generateNodeKeyPem } from "../../../../runtime/protocol/signing.ts";
import { pathMatrix } from "../../../plan/topology/path-matrix.ts";
import type { DeploymentSpec, Endpoints, Provider, ProviderStep, RuntimeSpec, StepContext } from "../../types.ts";
import {
  checkJobRunning,
  deleteJob,
  findActiveJob,
  grantHomeAccess,
  reserveJob,
  type Grid5000Client,
} from "../api/index.ts";
import { applyNetem, describePair, emulatedPairs, netemVmsOf, planNetem, validateNetem } from "../netem/index.ts";
import {
  checkEndingAfter,
  checkUsagePolicy,
  CLUSTER_HOSTS,
  jobWindow,
  planGrid5000,
  toProviderPlan,
  type EndingAfterPolicy,
  type VmPlacement,
} from "../plan/index.ts";
import type { SshTransport, Tunnel } from "../transport/index.ts";
import { resetVms, startVms, vmSpecsOf, type RemoteExec } from "../vms/index.ts";
import { Grid5000ProviderError } from "./errors.ts";
import type { Grid5000Settings } from "./settings.ts";
import { loadState, saveState, type Grid5000State } from "./state.ts";
import {
  cleanCommand,
  envFileText,
  listRunFilesCommand,
  nodeKeyFile,
  operatorTokenFile,
  pinnedKeysFile,
  PORTS,
  readyCommand,
  startCommand,
  stopCommand,
  vmDir,
  vmProcesses,
  type Role,
  type VmRuntimeOptions,
} from "./vm-runtime.ts";

/** The outside world of the provider; `createGrid5000Effects` gives the real one. */
export interface Grid5000ProviderEffects {
  client: Grid5000Client;
  /** SSH to the VMs (the runtime's commands, files and tunnels). */
  ssh: SshTransport;
  /** Commands on the physical hosts (libvirt, qemu-img, image staging). */
  hostExec: RemoteExec;
  /** System commands on the VMs (tc, ping, boot id, reboot). */
  vmSystemExec: RemoteExec;
  clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
  close(): Promise<void>;
}

export interface Grid5000ProviderOptions {
  settings: Grid5000Settings;
  /** Stamped on the runtime's events. */
  run: string;
  /**
   * GIRAFF's DO_NOT_EXECUTE_IF_ENDING_AFTER, with the campaign's start as the anchor of `today`, and Grid'5000's
   * day rule (plan/policy.ts), which `allowDayJobs` (G5K_ALLOW_DAY_JOBS) turns into a warning.
   */
  guard: { policy: EndingAfterPolicy | null; anchorMs: number; allowDayJobs?: boolean };
  /** Time limits (defaults suit Grid'5000: VMs boot in minutes). */
  timeouts?: { sshMs?: number; readyMs?: number; resetMs?: number; resetPollMs?: number };
}

export function grid5000Provider(
  opts: Grid5000ProviderOptions,
  effects: Grid5000ProviderEffects,
): Provider<Grid5000State> {
  const { settings } = opts;
  const t = { sshMs: 900_000, readyMs: 600_000, resetMs: 500_000, resetPollMs: 5_000, ...opts.timeouts };
  const rt: VmRuntimeOptions = {
    workDir: settings.vmWorkDir,
    repo: settings.vmRepo,
    faas: settings.faas,
    run: opts.run,
  };
  let spec: DeploymentSpec | undefined;
  let tunnels: Tunnel[] = [];
  const host = (ip: string) => ({ name: ip, address: ip, port: settings.vmSshPort });
  const jobNameOf = (s: DeploymentSpec) => `giraff-ts-${s.campaign}-${s.topologyKey}`.replace(/[^\w.-]/g, "-");
  const planOf = (s: DeploymentSpec, state?: Grid5000State) =>
    planGrid5000(s.topology, {
      cluster: settings.cluster,
      site: settings.site,
      walltime: s.walltimeS,
      jobName: jobNameOf(s),
      reservation: settings.reservation,
      queue: settings.queue,
      project: settings.project,
      login: settings.login,
      ...(state?.lease === undefined ? {} : { lease: state.lease }),
    });
  const done = (state: Grid5000State, step: ProviderStep, extra: Partial<Grid5000State> = {}) =>
    saveState({ ...state, ...extra, steps: { ...state.steps, [step]: { at: new Date().toISOString() } } });
  const vmsOf = (state: Grid5000State): VmPlacement[] => {
    if (state.vms === undefined) throw new Error("The Grid'5000 provider must boot before this step.");
    return state.vms;
  };
  const ssh = (ip: string, command: string, signal: AbortSignal, timeoutMs = 120_000) =>
    effects.ssh.exec(host(ip), command, { signal, timeoutMs });
  const eachVm = (vms: readonly VmPlacement[], fn: (vm: VmPlacement) => Promise<unknown>) => Promise.all(vms.map(fn));
  const closeTunnels = async () => {
    const open = tunnels;
    tunnels = [];
    await Promise.all(open.map((tn) => tn.close()));
  };
  const stopRuntime = async (state: Grid5000State, signal: AbortSignal) => {
    await closeTunnels();
    await eachVm(vmsOf(state), (vm) => ssh(vm.ip!, stopCommand(rt, vm), signal));
  };

  return {
    name: "grid5000",
    async plan(s) {
      return toProviderPlan(planOf(s));
    },

    async reserve(s, previous, ctx) {
      ctx.progress("reserve");
      spec = s;
      // the file is the truth: a failed run may have left the deployment dirty after the caller's last copy
      const saved = loadState(s.stateDir) ?? previous;
      let state: Grid5000State = saved ?? {
        provider: "grid5000",
        topologyKey: s.topologyKey,
        stateDir: s.stateDir,
        site: settings.site,
        jobName: jobNameOf(s),
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
      const window = jobWindow({
        nowMs: effects.clock.now(),
        walltimeS: s.walltimeS,
        reservation: settings.reservation,
      });
      const verdict = checkEndingAfter({
        nowMs: window.startMs,
        walltimeS: s.walltimeS,
        policy: opts.guard.policy,
        anchorMs: opts.guard.anchorMs,
      });
      if (!verdict.allowed) throw new Grid5000ProviderError(verdict.reason, { reason: "ends-too-late" });
      // an infeasible plan (hosts, subnets) throws here, before anything is submitted
      const plan = planOf(s);
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
      return done(state, "reserve", { lease });
    },

    async boot(state, ctx) {
      ctx.progress("boot");
      if (spec === undefined) throw new Error("The Grid'5000 provider must reserve before it boots.");
      if (state.steps.boot !== undefined && state.vms !== undefined) return state;
      const vms = planOf(spec, state).vms;
      const specs = vmSpecsOf(vms);
      ctx.log(`boot: starting ${specs.length} VMs on ${state.lease!.nodes.length} hosts`);
      await startVms(effects.hostExec, specs, settings.image, { signal: ctx.signal, log: ctx.log });
      state = saveState({ ...state, vms });
      if (settings.login !== undefined) {
        await grantHomeAccess(
          effects.client,
          { site: state.site, jobUid: state.lease!.jobUid, ipv4: specs.map((v) => v.ip) },
          ctx.signal,
        );
      }
      await eachVm(vms, (vm) => effects.ssh.waitForSsh(host(vm.ip!), { timeoutMs: t.sshMs, signal: ctx.signal }));
      ctx.log(`boot: ${vms.length} VMs answer SSH`);
      return done(state, "boot");
    },

    async deploy(state, runtime: RuntimeSpec, _runDir, ctx) {
      ctx.progress("deploy");
      if (spec === undefined) throw new Error("The Grid'5000 provider must reserve before it deploys.");
      const vms = vmsOf(state);
      await stopRuntime(state, ctx.signal);
      state = saveState({ ...state, dirty: true });
      const plan = vmProcesses(spec.topology, vms, runtime, { ...rt, run: runtime.run ?? rt.run });
      const topology = Buffer.from(JSON.stringify(spec.topology));
      // a new token for every deployment, known to the market's VM and to this campaign only
      const operatorToken = randomSecret();
      // a key per node, pinned at the market: no other node can join this deployment's market
      const nodeKeys = new Map(spec.topology.nodes.map((n) => [n.id, generateNodeKeyPem()]));
      const pinnedKeys = JSON.stringify(Object.fromEntries([...nodeKeys].map(([id, k]) => [id, k.publicKey])));
      ctx.log(`deploy: ${runtime.strategy} on ${vms.length} VMs`);
      await eachVm(vms, async (vm) => {
        await ssh(vm.ip!, cleanCommand(rt, vm), ctx.signal);
        const dir = vmDir(rt, vm);
        await effects.ssh.put(host(vm.ip!), topology, `${dir}/topology.json`, { signal: ctx.signal });
        if (plan.get(vm.name)!.some((p) => p.role === "market")) {
          await effects.ssh.put(host(vm.ip!), Buffer.from(operatorToken), operatorTokenFile(rt, vm), {
            signal: ctx.signal,
            mode: 0o600,
          });
          await effects.ssh.put(host(vm.ip!), Buffer.from(pinnedKeys), pinnedKeysFile(rt, vm), {
            signal: ctx.signal,
            mode: 0o600,
          });
        }
        const nodeKey = nodeKeys.get(vm.vm);
        if (nodeKey !== undefined && plan.get(vm.name)!.some((p) => p.role === "node")) {
          await effects.ssh.put(host(vm.ip!), Buffer.from(nodeKey.privateKeyPem), nodeKeyFile(rt, vm), {
            signal: ctx.signal,
            mode: 0o600,
          });
        }
        for (const p of plan.get(vm.name)!) {
          await effects.ssh.put(host(vm.ip!), Buffer.from(envFileText(p)), `${dir}/${p.role}.env`, {
            signal: ctx.signal,
            mode: 0o600,
          });
          await ssh(vm.ip!, startCommand(rt, vm, p.role), ctx.signal);
        }
      });
      await eachVm(vms, (vm) =>
        waitReady(
          vm,
          plan.get(vm.name)!.map((p) => p.role),
          ctx,
        ),
      );
      const root = spec.topology.nodes.find((n) => n.parent === null)!;
      const rootVm = vms.find((v) => v.vm === root.id)!;
      const iotVm = vms.find((v) => v.role === "iot")!;
      tunnels = [
        await effects.ssh.tunnel(host(rootVm.ip!), PORTS.market, { remoteHost: rootVm.ip!, signal: ctx.signal }),
        await effects.ssh.tunnel(host(iotVm.ip!), PORTS.iot, { remoteHost: iotVm.ip!, signal: ctx.signal }),
      ];
      const endpoints: Endpoints = {
        marketUrl: `http://127.0.0.1:${tunnels[0]!.localPort}`,
        iotUrl: `http://127.0.0.1:${tunnels[1]!.localPort}`,
        operatorToken,
      };
      await waitRegistered(endpoints, spec.topology.nodes.length, ctx);
      ctx.log(`deploy: ${spec.topology.nodes.length} nodes registered with the market`);
      return { state: done(state, "deploy"), endpoints };
    },

    async emulateNetwork(state, ctx) {
      ctx.progress("emulateNetwork");
      if (spec === undefined) throw new Error("The Grid'5000 provider must reserve before it emulates the network.");
      const netemVms = netemVmsOf(vmsOf(state));
      ctx.log(`emulateNetwork: shaping ${netemVms.length} VMs`);
      const matrix = pathMatrix(spec.topology);
      await applyNetem(effects.vmSystemExec, planNetem(matrix, netemVms), { signal: ctx.signal });
      const reports = await validateNetem(
        effects.vmSystemExec,
        matrix,
        netemVms,
        emulatedPairs(spec.topology, netemVms),
      );
      const bad = reports.filter((r) => !r.ok);
      ctx.log(`emulateNetwork: ${reports.length - bad.length} of ${reports.length} emulated pairs within tolerance`);
      if (bad.length > 0) {
        throw new Grid5000ProviderError(
          `The network emulation is not in effect on ${bad.length} pairs: ${bad.slice(0, 5).map(describePair).join("; ")}.`,
          { reason: "netem-invalid" },
        );
      }
      return done(state, "emulateNetwork");
    },

    async collect(state, runDir, ctx) {
      ctx.progress("collect");
      ctx.log("collect: stopping the runtime");
      await stopRuntime(state, ctx.signal);
      let files = 0;
      await eachVm(vmsOf(state), async (vm) => {
        const listed = await ssh(vm.ip!, listRunFilesCommand(rt, vm), ctx.signal);
        for (const rel of listed.stdoutTail.split("\n").filter((l) => /^(events|logs)\//.test(l))) {
          const local = rel.startsWith("events/") ? join(runDir, rel) : join(runDir, "logs", vm.name, rel.slice(5));
          mkdirSync(dirname(local), { recursive: true });
          await effects.ssh.get(host(vm.ip!), `${vmDir(rt, vm)}/${rel}`, local, { signal: ctx.signal });
          files++;
        }
      });
      ctx.log(`collect: ${files} files from ${vmsOf(state).length} VMs`);
    },

    async reset(state, ctx) {
      ctx.progress("reset");
      const vms = vmsOf(state);
      ctx.log(`reset: rebooting ${vms.length} VMs`);
      await stopRuntime(state, ctx.signal);
      await resetVms(
        effects.vmSystemExec,
        vms.map((v) => v.ip!),
        { clock: effects.clock, timeoutMs: t.resetMs, pollMs: t.resetPollMs, signal: ctx.signal },
      );
      await eachVm(vms, (vm) => effects.ssh.waitForSsh(host(vm.ip!), { timeoutMs: t.sshMs, signal: ctx.signal }));
      ctx.log(`reset: ${vms.length} VMs rebooted`);
      return done(state, "reset", { dirty: false });
    },

    async release(given, ctx) {
      ctx.progress("release");
      // the file is the truth: the caller's copy may predate the step that was interrupted
      const state = (given.stateDir === undefined ? undefined : loadState(given.stateDir)) ?? given;
      try {
        await closeTunnels();
        const jobUid = state.lease?.jobUid ?? (await orphanJob(state));
        if (jobUid !== undefined && state.released === undefined) {
          // first, and with no signal: an interrupted campaign must still delete its job
          await deleteJob(effects.client, { site: state.site, uid: jobUid });
          ctx.log(`release: deleted job ${jobUid} on ${state.site}`);
          saveState({ ...state, released: new Date().toISOString() });
        }
        if (state.dirty === true && state.vms !== undefined) {
          // VMs end with the job; VMs played by something else (simulated hosts) need their runtime stopped
          await stopRuntime(state, AbortSignal.timeout(30_000)).catch((err: unknown) =>
            ctx.log(`release: could not stop the runtime: ${(err as Error).message}`),
          );
        }
      } finally {
        spec = undefined;
        await effects.close();
      }
    },
  };

  /** A job of ours whose submission was cut short before its lease was saved, found by name. */
  async function orphanJob(state: Grid5000State): Promise<number | undefined> {
    if (state.site === undefined || state.jobName === undefined) return undefined;
    return (await findActiveJob(effects.client, state.site, state.jobName))?.uid;
  }

  async function waitReady(vm: VmPlacement, roles: Role[], ctx: StepContext): Promise<void> {
    const deadline = effects.clock.now() + t.readyMs;
    for (;;) {
      const outcome = await effects.ssh
        .exec(host(vm.ip!), readyCommand(rt, vm, roles), { signal: ctx.signal, timeoutMs: 60_000 })
        .then(() => 0)
        .catch((err: unknown) => {
          const e = err as { exitCode?: number; stdoutTail?: string };
          if (e.exitCode === 3) {
            throw new Grid5000ProviderError(`On VM ${vm.name}, ${e.stdoutTail?.trim() ?? "a process exited"}`, {
              reason: "not-ready",
              cause: err,
            });
          }
          if (e.exitCode !== 1) throw err;
          return 1;
        });
      if (outcome === 0) return;
      if (effects.clock.now() > deadline) {
        throw new Grid5000ProviderError(`The runtime on VM ${vm.name} was not ready within ${t.readyMs} ms.`, {
          reason: "not-ready",
        });
      }
      await effects.clock.sleep(200, ctx.signal);
    }
  }

  /** Polls the market's full listing (the operator's view) until every node of the topology is in it. */
  async function waitRegistered(endpoints: Endpoints, expected: number, ctx: StepContext): Promise<void> {
    const deadline = effects.clock.now() + t.readyMs;
    const headers = { authorization: `Bearer ${endpoints.operatorToken}` };
    for (;;) {
      const answer = await request(`${endpoints.marketUrl}/api/fog`, {
        headers,
        timeoutMs: 10_000,
        signal: ctx.signal,
      }).catch(() => undefined);
      const count = answer?.status === 200 ? (answer.json() as unknown[]).length : 0;
      if (count >= expected) return;
      if (effects.clock.now() > deadline) {
        throw new Grid5000ProviderError(`Only ${count} of ${expected} nodes registered with the market in time.`, {
          reason: "not-ready",
        });
      }
      await effects.clock.sleep(250, ctx.signal);
    }
  }
}
