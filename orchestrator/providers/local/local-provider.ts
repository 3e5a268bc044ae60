/**
 * The `local` provider: the whole testbed on this machine. A reservation is a loopback /16 (so parallel runs stay
 * apart), boot has nothing to start, deploy launches the fog network (market, nodes, FaaS gateways, proxies, IoT
 * emulator) with the run's strategy, and link latency is applied by the launcher to the traffic between nodes, so
 * `emulateNetwork` has nothing left to do. Events are written straight into the run directory; `collect` stops the
 * network so they are flushed.
 */
import { cpus, totalmem } from "node:os";
import { launchFogNetwork, type FogNetwork } from "../../../runtime/launcher/launch.ts";
import type { MarketRuleName } from "../../../runtime/strategies/types.ts";
import type {
  DeploymentSpec,
  Endpoints,
  Provider,
  ProviderPlan,
  ProviderState,
  ProviderStep,
  RuntimeSpec,
  StepContext,
} from "../types.ts";

export interface LocalState extends ProviderState {
  provider: "local";
  /** `127.A`: the loopback /16 of this deployment. */
  subnet: string;
}

export interface LocalProviderOptions {
  /** The loopback /16 for a deployment; campaigns give each concurrent run its own. */
  subnet: string;
  /** Run name stamped on the runtime's events. */
  run: string;
  /** Start FaaS gateways, proxies and the IoT emulator (default true); false places functions only. */
  faas?: boolean;
}

export function localProvider(opts: LocalProviderOptions): Provider<LocalState> {
  let spec: DeploymentSpec | undefined;
  let network: FogNetwork | undefined;
  const done = (state: LocalState, step: ProviderStep): LocalState => ({
    ...state,
    steps: { ...state.steps, [step]: { at: new Date().toISOString() } },
  });
  const stop = async () => {
    const running = network;
    network = undefined;
    await running?.stop();
  };

  return {
    name: "local",
    async plan(s: DeploymentSpec): Promise<ProviderPlan> {
      const cores = cpus().length;
      const memoryGiB = Math.round(totalmem() / 2 ** 30);
      return {
        provider: "local",
        hosts: 1,
        problems: [],
        summary: [
          // GIRAFF's count of fog nodes leaves out the root, whose VM runs the market (MIN/MAX_NUMBER_VMS)
          `local: ${s.topology.nodes.length - 1} fog nodes on this machine (plus the root; ${cores} cores, ` +
            `${memoryGiB} GiB), loopback ${opts.subnet}.0.0/16, market ${opts.subnet}.255.254:30008`,
        ],
        requests: [],
        details: { subnet: opts.subnet, cores, memoryGiB },
      };
    },
    async reserve(s, state, ctx) {
      ctx.progress("reserve");
      spec = s;
      return done(
        state ?? { provider: "local", topologyKey: s.topologyKey, steps: {}, subnet: opts.subnet },
        "reserve",
      );
    },
    async boot(state, ctx) {
      ctx.progress("boot");
      return done(state, "boot");
    },
    async deploy(state, runtime: RuntimeSpec, runDir: string, ctx: StepContext) {
      ctx.progress("deploy");
      if (spec === undefined) throw new Error("The local provider must reserve before it deploys.");
      await stop();
      const faas = opts.faas ?? true;
      network = await launchFogNetwork(spec.topology, {
        strategy: runtime.strategy,
        valuation: runtime.valuation,
        reduction: runtime.reduction,
        latencyModel: runtime.latencyModel,
        ...(runtime.marketRule === undefined ? {} : { marketRule: runtime.marketRule as MarketRuleName }),
        subnet: state.subnet,
        runDir,
        run: runtime.run ?? opts.run,
        faas,
        proxies: faas,
        iot: faas,
        logLevel: "warn",
      });
      ctx.log(`deployed ${network.nodes.length} nodes in ${Math.round(network.readyAfterMs)} ms`);
      const endpoints: Endpoints = {
        marketUrl: network.marketUrl,
        iotUrl: network.iotUrl ?? "",
        operatorToken: network.operatorToken,
      };
      return { state: done(state, "deploy"), endpoints };
    },
    async emulateNetwork(state, ctx) {
      ctx.progress("emulateNetwork");
      return done(state, "emulateNetwork");
    },
    async collect(_state, _runDir, ctx) {
      ctx.progress("collect");
      await stop();
    },
    async reset(state, ctx) {
      ctx.progress("reset");
      await stop();
      return done(state, "reset");
    },
    async release(_state, ctx) {
      ctx.progress("release");
      await stop();
      spec = undefined;
    },
  };
}
