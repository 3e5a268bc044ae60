/**
 * Who holds a run's machines. The provider contract (providers/types.ts) runs every strategy of a topology on one
 * deployment, with a reset in between; how long a deployment lives is the provider's trade-off:
 *
 * - `perRunDeployments` (local): each run reserves, boots and releases its own, in parallel (a loopback /16 is
 *   free and instant); `releaseAll` releases those still held (a forced stop does not wait for their runs).
 * - `sharedDeployments` (grid5000): one deployment per topology, reserved by the first run that needs it and
 *   reused by the next ones after a reset; its runs take turns. It is released when a run of another topology
 *   needs machines while it is idle (campaigns list a topology's runs together), when a run is aborted
 *   (interrupt, timeout, halt), and at the end of the campaign, success or failure (`releaseAll`). Its state
 *   file lives in `<out>/deployments/<topology key>/`, so a campaign resumed after a crash adopts the same job.
 *
 *   run ─► use(topology) ─► [wait its turn] ─► reserve ─► boot ─► (reset if a run left it dirty) ─► fn ─► keep
 *                                                                            aborted or last ─► release
 */
import { join } from "node:path";
import type { SelectedProvider } from "../../providers/index.ts";
import type { DeploymentSpec, Provider, ProviderState, StepContext } from "../../providers/types.ts";

/** Measures a step (reserve, boot, reset) for the run's timings. */
export type Timed = <U>(name: string, fn: () => Promise<U>) => Promise<U>;
const untimed: Timed = (_name, fn) => fn();

export interface HeldDeployment {
  provider: Provider;
  state: ProviderState;
}

export interface Deployments {
  /** Gives `fn` a reserved and booted deployment of `spec.topologyKey`; `fn` returns the state it left. */
  use<T>(
    spec: Omit<DeploymentSpec, "stateDir">,
    seq: number,
    step: StepContext,
    fn: (d: HeldDeployment) => Promise<{ state: ProviderState; value: T }>,
    timed?: Timed,
  ): Promise<T>;
  /** Releases every deployment still held. Never throws; failures are logged. */
  releaseAll(log: (line: string) => void): Promise<void>;
}

interface Held {
  provider: Provider;
  state: ProviderState | undefined;
  released: boolean;
}

export function perRunDeployments(
  make: (seq: number, topologyKey: string) => Provider,
  stateRoot: (seq: number) => string,
): Deployments {
  // what runs hold right now, so that a forced stop (`releaseAll` while runs still hold theirs) releases them too
  const held = new Set<Held>();
  const release = async (h: Held, step: Pick<StepContext, "log" | "progress" | "signal">) => {
    if (h.released || h.state === undefined) return;
    h.released = true;
    await h.provider.release(h.state, step).catch((err: unknown) => step.log(`release failed: ${String(err)}`));
  };
  return {
    async use(spec, seq, step, fn, timed = untimed) {
      const mine: Held = { provider: make(seq, spec.topologyKey), state: undefined, released: false };
      const { provider } = mine;
      held.add(mine);
      try {
        mine.state = await timed("reserve", () =>
          provider.reserve({ ...spec, stateDir: stateRoot(seq) }, undefined, step),
        );
        mine.state = await timed("boot", () => provider.boot(mine.state!, step));
        const out = await fn({ provider, state: mine.state });
        mine.state = out.state;
        return out.value;
      } finally {
        held.delete(mine);
        await release(mine, step);
      }
    },
    async releaseAll(log) {
      await Promise.all([...held].map((h) => release(h, quietStep(log))));
    },
  };
}

const quietStep = (log: (line: string) => void) => ({
  log,
  progress: () => {},
  signal: new AbortController().signal,
});

interface Entry {
  key: string;
  stateDir: string;
  provider: Provider;
  state: ProviderState | undefined;
  /** Runs of this topology take turns: each waits for the previous one's promise. */
  turn: Promise<void>;
  active: number;
}

export function sharedDeployments(make: (topologyKey: string) => Provider, dir: string): Deployments {
  const entries = new Map<string, Entry>();
  // releases under way, so that `releaseAll` (the campaign's end) waits for a run's own release too
  const releasing = new Set<Promise<void>>();
  const release = (entry: Entry, step: Pick<StepContext, "log" | "progress" | "signal">) => {
    const p = releaseNow(entry, step).finally(() => releasing.delete(p));
    releasing.add(p);
    return p;
  };
  const releaseNow = async (entry: Entry, step: Pick<StepContext, "log" | "progress" | "signal">) => {
    entries.delete(entry.key);
    const state = entry.state ?? {
      provider: entry.provider.name,
      topologyKey: entry.key,
      steps: {},
      stateDir: entry.stateDir,
    };
    entry.state = undefined;
    await entry.provider.release(state, step).catch((err: unknown) => step.log(`release failed: ${String(err)}`));
  };
  return {
    async use(spec, _seq, step, fn, timed = untimed) {
      // an idle deployment of another topology will not be needed again soon: give its machines back
      for (const other of [...entries.values()]) {
        if (other.key !== spec.topologyKey && other.active === 0) await release(other, quietStep(step.log));
      }
      let entry = entries.get(spec.topologyKey);
      if (entry === undefined) {
        entry = {
          key: spec.topologyKey,
          stateDir: join(dir, "deployments", spec.topologyKey),
          provider: make(spec.topologyKey),
          state: undefined,
          turn: Promise.resolve(),
          active: 0,
        };
        entries.set(spec.topologyKey, entry);
      }
      const mine = entry;
      mine.active++;
      const previous = mine.turn;
      let done!: () => void;
      mine.turn = new Promise<void>((resolve) => (done = resolve));
      try {
        await previous;
        step.signal.throwIfAborted();
        const reserved = await timed("reserve", () =>
          mine.provider.reserve({ ...spec, stateDir: mine.stateDir }, mine.state, step),
        );
        mine.state = reserved;
        mine.state = await timed("boot", () => mine.provider.boot(reserved, step));
        const booted = mine.state;
        if (booted.dirty === true) mine.state = await timed("reset", () => mine.provider.reset(booted, step));
        const out = await fn({ provider: mine.provider, state: mine.state });
        mine.state = out.state;
        return out.value;
      } catch (err) {
        if (step.signal.aborted && entries.get(mine.key) === mine) await release(mine, quietStep(step.log));
        throw err;
      } finally {
        mine.active--;
        done();
      }
    },
    async releaseAll(log) {
      for (const entry of [...entries.values()]) await release(entry, quietStep(log));
      await Promise.all([...releasing]);
    },
  };
}

/** A provider built asynchronously (keys to read, connections to open) on its first step. */
export function deferredProvider(name: Provider["name"], create: () => Promise<Provider>): Provider {
  let made: Promise<Provider> | undefined;
  const p = () => (made ??= create());
  return {
    name,
    plan: async (spec) => (await p()).plan(spec),
    reserve: async (spec, state, ctx) => (await p()).reserve(spec, state, ctx),
    boot: async (state, ctx) => (await p()).boot(state, ctx),
    deploy: async (state, runtime, runDir, ctx) => (await p()).deploy(state, runtime, runDir, ctx),
    emulateNetwork: async (state, ctx) => (await p()).emulateNetwork(state, ctx),
    collect: async (state, runDir, ctx) => (await p()).collect(state, runDir, ctx),
    reset: async (state, ctx) => (await p()).reset(state, ctx),
    release: async (state, ctx) => {
      if (made !== undefined) await (await made).release(state, ctx);
    },
  };
}

/**
 * The campaign's deployments from its provider's registry entry: `create()` reads what running needs (credentials,
 * once), then each deployment gets its provider on first use; `sharing` decides who holds the machines.
 */
export async function openDeployments(provider: SelectedProvider, out: string): Promise<Deployments> {
  const make = await provider.create();
  const deferred = (seq: number, topologyKey: string) =>
    deferredProvider(provider.name, () => make({ seq, topologyKey }));
  return provider.sharing === "per-run"
    ? perRunDeployments(deferred, () => out)
    : sharedDeployments((topologyKey) => deferred(0, topologyKey), out);
}
