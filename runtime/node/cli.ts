/**
 * One fog node as one process, for a VM (the image's `giraff-node` service, or the Grid'5000 provider):
 * `node --import tsx runtime/node/cli.ts`, configured by the environment, read once into {@link NodeCliSettings}.
 * The node's flavour, link and valuation come from its entry in the topology file, as for the local launcher.
 * Exit status 2 for a bad setting, with a sentence naming the variable.
 *
 *   GIRAFF_TOPOLOGY (topology .json)  GIRAFF_NODE_ID  GIRAFF_NODE_IP (listens and advertises)
 *   GIRAFF_NODE_PORT (30003)  GIRAFF_FAAS_PORT (31112)
 *   GIRAFF_MARKET_URL (the root node registers there)  GIRAFF_PARENT_URL (every other node registers there)
 *   GIRAFF_STRATEGY (auction)  GIRAFF_VALUATION (quadratic)  GIRAFF_REDUCTION (false)  GIRAFF_LATENCY_MODEL (tcp)
 *   GIRAFF_FAAS: openfaas (the VM's OpenFaaS gateway, GIRAFF_FAAS_URL, GIRAFF_FAAS_USER, GIRAFF_FAAS_PASSWORD_FILE)
 *                | embedded (start the embedded gateway on GIRAFF_NODE_IP:GIRAFF_FAAS_PORT) | none
 *   GIRAFF_PROXY_PORT (3128, told to functions)  GIRAFF_LOGS_DIR (function logs)  GIRAFF_EVENTS  GIRAFF_RUN
 *   GIRAFF_READY_FILE  GIRAFF_NODE_KEY_FILE (the node's Ed25519 key, PKCS#8 PEM; unset: a fresh one, which only an
 *   open market takes)  GIRAFF_MARKET_KEY (the market's X25519 public key, SPKI DER base64: a registration answer
 *   carrying another is refused; unset: the answer's key is taken)
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startGateway, type RunningGateway } from "../faas/gateway.ts";
import { createLogger } from "../log.ts";
import { ConfigError } from "../protocol/errors.ts";
import { loadTopology } from "../protocol/topology.ts";
import { eventSinkFromEnv } from "../util/event-sink-env.ts";
import { booleanVar, ipVar, maybeVar, oneOfVar, portVar, requiredVar, type Env } from "../util/env-vars.ts";
import { isMain } from "../util/cli.ts";
import { serveUntilSignal, type Service, serviceOf } from "../util/serve.ts";
import { FAAS_MODES } from "../faas/types.ts";
import { startNode } from "./agent.ts";
import { nodeSpecFromTopology, resolveNodeConfig, type NodeConfig, type NodeConfigSpec } from "./config.ts";
import { nodeKeysFromPem, type NodeKeys } from "../protocol/signing.ts";

const FUNCTIONS_DIR = resolve(fileURLToPath(import.meta.url), "../../../functions");

export interface NodeCliSettings {
  spec: NodeConfigSpec;
  /** The node's key, pinned at the market by whoever started it; undefined: a fresh key. */
  keys: NodeKeys | undefined;
  faas:
    | { mode: "openfaas"; url: string; auth: NodeConfig["faasAuth"] }
    | { mode: "embedded"; port: number; proxyPort: number; logsDir: string | undefined }
    | { mode: "none" };
}

export function nodeCliSettings(env: Env): NodeCliSettings {
  const topologyPath = requiredVar(env, "GIRAFF_TOPOLOGY");
  let topology;
  try {
    topology = loadTopology(topologyPath);
  } catch (err) {
    throw new ConfigError("GIRAFF_TOPOLOGY", `\`GIRAFF_TOPOLOGY\` (${topologyPath}): ${(err as Error).message}`, {
      cause: err,
    });
  }
  const id = requiredVar(env, "GIRAFF_NODE_ID");
  const node = topology.nodes.find((n) => n.id === id);
  if (node === undefined) {
    throw new ConfigError(
      "GIRAFF_NODE_ID",
      `\`GIRAFF_NODE_ID\` ${JSON.stringify(id)} is not a node of ${topologyPath}.`,
    );
  }
  const ip = ipVar(env, "GIRAFF_NODE_IP");
  const portHttp = portVar(env, "GIRAFF_NODE_PORT", 30003);
  const portFaas = portVar(env, "GIRAFF_FAAS_PORT", 31112);
  const situation =
    node.parent === null
      ? { kind: "market" as const, marketUrl: requiredVar(env, "GIRAFF_MARKET_URL") }
      : { kind: "node" as const, parentId: node.parent, parentUrl: requiredVar(env, "GIRAFF_PARENT_URL") };
  const spec: NodeConfigSpec = {
    ...nodeSpecFromTopology(node, { ip, portHttp, portFaas, situation }),
    strategy: maybeVar(env, "GIRAFF_STRATEGY") ?? "auction",
    valuation: maybeVar(env, "GIRAFF_VALUATION") ?? "quadratic",
    reduction: booleanVar(env, "GIRAFF_REDUCTION", false),
    latencyModel: maybeVar(env, "GIRAFF_LATENCY_MODEL") ?? "tcp",
    // the market's X25519 public key, pinned by whoever started the market (launcher, Grid'5000 provider)
    marketKey: maybeVar(env, "GIRAFF_MARKET_KEY"),
  };
  resolveNodeConfig(spec); // unknown strategy, valuation or model names fail here, naming the field
  const keys = nodeKeys(maybeVar(env, "GIRAFF_NODE_KEY_FILE"));
  const mode = oneOfVar(env, "GIRAFF_FAAS", FAAS_MODES, "openfaas");
  if (mode === "none") return { spec, keys, faas: { mode } };
  if (mode === "embedded") {
    const logsDir = maybeVar(env, "GIRAFF_LOGS_DIR");
    return {
      spec,
      keys,
      faas: { mode, port: portFaas, proxyPort: portVar(env, "GIRAFF_PROXY_PORT", 3128), logsDir },
    };
  }
  const passwordFile = maybeVar(env, "GIRAFF_FAAS_PASSWORD_FILE");
  let auth: NodeConfig["faasAuth"];
  if (passwordFile !== undefined) {
    try {
      auth = {
        username: maybeVar(env, "GIRAFF_FAAS_USER") ?? "admin",
        password: readFileSync(passwordFile, "utf8").trim(),
      };
    } catch (err) {
      throw new ConfigError(
        "GIRAFF_FAAS_PASSWORD_FILE",
        `\`GIRAFF_FAAS_PASSWORD_FILE\` cannot be read: ${passwordFile}.`,
        {
          cause: err,
        },
      );
    }
  }
  return {
    spec,
    keys,
    faas: { mode, url: maybeVar(env, "GIRAFF_FAAS_URL") ?? `http://127.0.0.1:${portFaas}`, auth },
  };
}

/** The key in `GIRAFF_NODE_KEY_FILE` (the Grid'5000 provider writes it there, readable by its owner only). */
function nodeKeys(file: string | undefined): NodeKeys | undefined {
  if (file === undefined) return undefined;
  try {
    return nodeKeysFromPem(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(
      "GIRAFF_NODE_KEY_FILE",
      `\`GIRAFF_NODE_KEY_FILE\` is not a readable PKCS#8 PEM key: ${file}.`,
      {
        cause: err,
      },
    );
  }
}

export async function startNodeFromEnv(env: Env): Promise<Service> {
  const s = nodeCliSettings(env);
  const events = eventSinkFromEnv(env, `node-${s.spec.name}`);
  let gateway: RunningGateway | undefined;
  let faas: Pick<NodeConfig, "faasUrl" | "faasAuth"> = { faasUrl: undefined, faasAuth: undefined };
  if (s.faas.mode === "embedded") {
    gateway = await startGateway({
      host: s.spec.ip,
      port: s.faas.port,
      functionsDir: FUNCTIONS_DIR,
      env: { PROXY_PORT: String(s.faas.proxyPort) },
      logsDir: s.faas.logsDir,
    });
    faas = { faasUrl: gateway.url, faasAuth: gateway.auth };
  } else if (s.faas.mode === "openfaas") {
    faas = { faasUrl: s.faas.url, faasAuth: s.faas.auth };
  }
  const node = await startNode(
    { ...s.spec, ...faas },
    { events, logger: createLogger(`node ${s.spec.name}`), ...(s.keys === undefined ? {} : { keys: s.keys }) },
  );
  return serviceOf(node.url, node, gateway, events);
}

export const USAGE = `Usage: node --import tsx runtime/node/cli.ts   (one fog node; no argument but --help)

Configured by the environment (defaults in parentheses):
  GIRAFF_TOPOLOGY             topology .json (required)
  GIRAFF_NODE_ID              this node's id in the topology (required)
  GIRAFF_NODE_IP              address it listens on and advertises (required)
  GIRAFF_NODE_PORT            (30003)
  GIRAFF_FAAS_PORT            (31112)
  GIRAFF_MARKET_URL           where the root node registers
  GIRAFF_PARENT_URL           where every other node registers
  GIRAFF_STRATEGY             (auction)
  GIRAFF_VALUATION            (quadratic)
  GIRAFF_REDUCTION            (false)
  GIRAFF_LATENCY_MODEL        (tcp)
  GIRAFF_FAAS                 openfaas, embedded or none (openfaas)
  GIRAFF_FAAS_URL, GIRAFF_FAAS_USER, GIRAFF_FAAS_PASSWORD_FILE   the OpenFaaS gateway
  GIRAFF_PROXY_PORT           told to functions (3128)
  GIRAFF_LOGS_DIR, GIRAFF_EVENTS, GIRAFF_RUN, GIRAFF_READY_FILE
  GIRAFF_NODE_KEY_FILE        the node's Ed25519 key, PKCS#8 PEM (unset: a fresh one, for an open market)
  GIRAFF_MARKET_KEY           the market's X25519 public key to pin (unset: the one its registration answer carries)`;

if (isMain(import.meta.url)) process.exitCode = await serveUntilSignal("node", startNodeFromEnv, { usage: USAGE });
