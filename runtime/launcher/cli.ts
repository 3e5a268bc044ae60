/**
 * `npm run runtime -- --topology <file.json> --strategy <name> [options]`: starts a local fog network, prints the
 * market URL once every node is registered and measuring its neighbours, and stops everything on Ctrl-C or
 * SIGTERM. Exit status 2 for bad options, with a sentence naming the option.
 */
import { ConfigError, ProtocolError } from "../protocol/errors.ts";
import { loadTopology } from "../protocol/topology.ts";
import { STRATEGIES } from "../strategies/index.ts";
import { launchFogNetwork } from "./launch.ts";
import { DEFAULT_FOG_OPTIONS, type FogNetworkOptions } from "./options.ts";
import type { MarketRuleName } from "../strategies/types.ts";
import {
  consoleIo,
  isMain,
  runCommandLine,
  untilStopSignal,
  CliError,
  UsageError,
  type CliIo,
  type ParsedCommandLine,
} from "../util/cli.ts";

const USAGE = `Usage: npm run runtime -- --topology <file.json> [--strategy <name>] [options]

  --topology <file>        topology JSON (e.g. experiments/topologies/dev.json)
  --strategy <name>        ${Object.keys(STRATEGIES).join(", ")} (default auction)
  --valuation <name>       linear, quadratic, cpu-utilisation (default quadratic)
  --reduction              GIRAFF's ×0.75 bid reduction at the data source
  --latency-model <name>   tcp (current GIRAFF) or paper (Euro-Par v3.0.0) (default tcp)
  --market-rule <name>     second-price, random, mincpurandom (default: the strategy's)
  --subnet <127.A>         loopback /16 for this network (default ${DEFAULT_FOG_OPTIONS.subnet})
  --processes <n>          node worker processes (default: one per 250 nodes, at most one per core)
  --run-dir <dir>          write events/*.jsonl and logs/*.log there
  --no-faas                no FaaS gateways (placement only)
  --function-mode <how>    process (one process per function) or dense (one per image per worker)
                           (default: dense above 50 nodes)
  --peer-transport <how>   in-process (default) or http, between nodes hosted by the same worker
  --in-process             host every node in this process, beside the market (no workers)
  --open-registration      let nodes this launcher did not start join its market (default: only its own keys)
  --help                   this text`;

const OPTIONS = {
  topology: { type: "string" },
  strategy: { type: "string" },
  valuation: { type: "string" },
  reduction: { type: "boolean" },
  "latency-model": { type: "string" },
  "market-rule": { type: "string" },
  subnet: { type: "string" },
  processes: { type: "string" },
  "run-dir": { type: "string" },
  "no-faas": { type: "boolean" },
  "function-mode": { type: "string" },
  "peer-transport": { type: "string" },
  "in-process": { type: "boolean" },
  "open-registration": { type: "boolean" },
} as const;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  return runCommandLine(argv, USAGE, { options: OPTIONS }, io, ({ values }) => launch(values, io));
}

type Values = ParsedCommandLine<{ options: typeof OPTIONS }>["values"];

async function launch(values: Values, io: CliIo): Promise<number> {
  if (values.topology === undefined) throw new UsageError("The option --topology is required.");
  const processes = values.processes === undefined ? 0 : Number(values.processes);
  if (!Number.isInteger(processes) || processes < 0) {
    throw new UsageError(`Expected --processes to be a positive integer, got ${JSON.stringify(values.processes)}.`);
  }
  const transport = values["peer-transport"];
  if (transport !== undefined && transport !== "in-process" && transport !== "http") {
    throw new UsageError(`Expected --peer-transport to be in-process or http, got ${JSON.stringify(transport)}.`);
  }
  const functionMode = values["function-mode"];
  if (functionMode !== undefined && functionMode !== "process" && functionMode !== "dense") {
    throw new UsageError(`Expected --function-mode to be process or dense, got ${JSON.stringify(functionMode)}.`);
  }
  const options: Partial<FogNetworkOptions> = {
    ...(functionMode === undefined ? {} : { functionMode }),
    ...(transport === undefined ? {} : { peerTransport: transport }),
    ...(values.strategy === undefined ? {} : { strategy: values.strategy }),
    ...(values.valuation === undefined ? {} : { valuation: values.valuation }),
    ...(values["latency-model"] === undefined ? {} : { latencyModel: values["latency-model"] }),
    ...(values["market-rule"] === undefined ? {} : { marketRule: values["market-rule"] as MarketRuleName }),
    ...(values.subnet === undefined ? {} : { subnet: values.subnet }),
    ...(values["run-dir"] === undefined ? {} : { runDir: values["run-dir"] }),
    reduction: values.reduction ?? false,
    faas: !(values["no-faas"] ?? false),
    processes,
    inProcess: values["in-process"] ?? false,
    openRegistration: values["open-registration"] ?? false,
    logLevel: "warn",
  };

  let network;
  try {
    const topology = loadTopology(values.topology);
    io.err(
      `Starting ${topology.nodes.length} fog nodes of ${values.topology} with strategy ${options.strategy ?? "auction"}…`,
    );
    network = await launchFogNetwork(topology, options, { onProgress: (m) => io.err(m) });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ProtocolError)
      throw new CliError(err.message, { exitCode: 2, cause: err });
    throw err;
  }
  io.err(
    `All ${network.nodes.length} nodes registered and measuring their neighbours after ${Math.round(network.readyAfterMs)} ms.`,
  );
  io.out(network.marketUrl);
  // the launch's secrets, for its operator only (runtime/README.md, "Operator token and gateway password")
  io.out(`operator token: ${network.operatorToken}`);
  if (network.gatewayAuth !== undefined) {
    io.out(`gateway login: ${network.gatewayAuth.username}:${network.gatewayAuth.password}`);
  }

  await untilStopSignal();
  io.err("Stopping…");
  await network.stop();
  io.err("Stopped.");
  return 0;
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
