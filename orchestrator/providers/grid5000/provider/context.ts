/**
 * What the provider's steps share (one object per provider, passed to every step file): the settings, the effects,
 * the named time limits, the deployment being worked on, its open tunnels and its VM connections, and the small
 * helpers every step uses. Steps reach the outside world only through `effects`.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fixedDelay } from "../../../../runtime/util/backoff.ts";
import type { RetryOptions } from "../../../../runtime/util/retry.ts";
import type { DeploymentSpec, ProviderStep, StepContext } from "../../types.ts";
import type { Grid5000Client } from "../api/index.ts";
import { planGrid5000, type EndingAfterPolicy, type VmPlacement } from "../plan/index.ts";
import type { SshTransport, Tunnel } from "../transport/index.ts";
import type { RemoteExec } from "../vms/index.ts";
import type { Grid5000Settings } from "./settings.ts";
import { saveState, type Grid5000State } from "./state.ts";
import { DEFAULT_TIMEOUTS, type Grid5000TimeoutOverrides, type Grid5000Timeouts } from "./timeouts.ts";
import { stopCommand, type VmRuntimeOptions } from "./vm-runtime.ts";

/** SSH to the VMs of one deployment, and where their system commands (tc, ping, boot id, reboot) go. */
export interface VmAccess {
  ssh: SshTransport;
  systemExec: RemoteExec;
  close(): Promise<void>;
}

/** The outside world of the provider; `createGrid5000Effects` gives the real one. */
export interface Grid5000ProviderEffects {
  client: Grid5000Client;
  /** Commands on the physical hosts as the Grid'5000 login (sudo-g5k), over SSH. */
  hostLoginExec: RemoteExec;
  /** Commands on the physical hosts as root, over SSH even when `hostExec` is simulated (proves root works). */
  hostRootExec: RemoteExec;
  /** Root's system commands on the physical hosts (libvirt, qemu-img, mount, image staging). */
  hostExec: RemoteExec;
  /**
   * Opens SSH to the VMs of a deployment, checking their host keys against `knownHostsFile`: unknown keys are
   * trusted on first use and recorded there, a changed one is refused.
   */
  openVms(knownHostsFile: string): Promise<VmAccess>;
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
  /** Time limits (timeouts.ts; the defaults suit Grid'5000: VMs boot in minutes). */
  timeouts?: Grid5000TimeoutOverrides;
}

/** The deployment's VM host keys: one file per state dir, emptied whenever its VMs are created or rebooted. */
export const VM_KNOWN_HOSTS_FILE = "vm_known_hosts";

export class ProviderContext {
  readonly settings: Grid5000Settings;
  readonly t: Grid5000Timeouts;
  readonly rt: VmRuntimeOptions;
  spec: DeploymentSpec | undefined;
  tunnels: Tunnel[] = [];
  private vmAccess: { knownHostsFile: string; access: Promise<VmAccess> } | undefined;

  constructor(
    readonly opts: Grid5000ProviderOptions,
    readonly effects: Grid5000ProviderEffects,
  ) {
    this.settings = opts.settings;
    this.t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.rt = { workDir: this.settings.vmWorkDir, repo: this.settings.vmRepo, faas: this.settings.faas, run: opts.run };
  }

  /** The spec given to `reserve`; every later step needs it. */
  specFor(step: string): DeploymentSpec {
    if (this.spec === undefined) throw new Error(`The Grid'5000 provider must reserve before it ${step}.`);
    return this.spec;
  }

  host(ip: string) {
    return { name: ip, address: ip, port: this.settings.vmSshPort };
  }

  jobNameOf(s: DeploymentSpec): string {
    return `giraff-ts-${s.campaign}-${s.topologyKey}`.replace(/[^\w.-]/g, "-");
  }

  /** The deployment's plan; an infeasible one throws unless `infeasible: "keep"` (plan() keeps it, with its problems). */
  planOf(s: DeploymentSpec, state?: Grid5000State, check: { infeasible: "throw" | "keep" } = { infeasible: "throw" }) {
    const { settings } = this;
    return planGrid5000(
      s.topology,
      {
        cluster: settings.cluster,
        site: settings.site,
        walltime: s.walltimeS,
        jobName: this.jobNameOf(s),
        reservation: settings.reservation,
        queue: settings.queue,
        project: settings.project,
        login: settings.login,
        ...(state?.lease === undefined ? {} : { lease: state.lease }),
      },
      check,
    );
  }

  /** Polling every `everyMs` on the provider's clock until `deadlineMs` has passed or the step is cancelled. */
  poll(deadlineMs: number, everyMs: number, ctx: StepContext): RetryOptions {
    return {
      deadlineMs,
      backoff: fixedDelay(everyMs),
      clock: this.effects.clock,
      signal: ctx.signal,
    };
  }

  /** Saves the state with `step` marked done. */
  done(state: Grid5000State, step: ProviderStep, extra: Partial<Grid5000State> = {}): Grid5000State {
    return saveState({ ...state, ...extra, steps: { ...state.steps, [step]: { at: new Date().toISOString() } } });
  }

  vmsOf(state: Grid5000State): VmPlacement[] {
    if (state.vms === undefined) throw new Error("The Grid'5000 provider must boot before this step.");
    return state.vms;
  }

  knownHostsFileOf(state: Grid5000State): string {
    return join(state.stateDir, VM_KNOWN_HOSTS_FILE);
  }

  /** The VMs' SSH, opened once per deployment with the deployment's known_hosts file. */
  vms(state: Grid5000State): Promise<VmAccess> {
    const knownHostsFile = this.knownHostsFileOf(state);
    if (this.vmAccess?.knownHostsFile !== knownHostsFile) {
      const previous = this.vmAccess;
      this.vmAccess = { knownHostsFile, access: this.effects.openVms(knownHostsFile) };
      void previous?.access.then((a) => a.close()).catch(() => undefined);
    }
    return this.vmAccess.access;
  }

  /** Forgets the VMs' host keys: new VMs (or rebooted ones) are trusted on first use again. */
  forgetVmHostKeys(state: Grid5000State): void {
    rmSync(this.knownHostsFileOf(state), { force: true });
  }

  async closeVms(): Promise<void> {
    const open = this.vmAccess;
    this.vmAccess = undefined;
    await open?.access.then((a) => a.close()).catch(() => undefined);
  }

  async sshExec(state: Grid5000State, ip: string, command: string, signal: AbortSignal, timeoutMs = this.t.commandMs) {
    return (await this.vms(state)).ssh.exec(this.host(ip), command, { signal, timeoutMs });
  }

  eachVm(vms: readonly VmPlacement[], fn: (vm: VmPlacement) => Promise<unknown>): Promise<unknown[]> {
    return Promise.all(vms.map(fn));
  }

  async closeTunnels(): Promise<void> {
    const open = this.tunnels;
    this.tunnels = [];
    await Promise.all(open.map((tn) => tn.close()));
  }

  /** Closes the tunnels and stops every role on every VM. */
  async stopRuntime(state: Grid5000State, signal: AbortSignal): Promise<void> {
    await this.closeTunnels();
    await this.eachVm(this.vmsOf(state), (vm) => this.sshExec(state, vm.ip!, stopCommand(this.rt, vm), signal));
  }
}
