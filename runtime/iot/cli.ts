/**
 * The IoT emulator as one process, for its VM: `node --import tsx runtime/iot/cli.ts`, configured by the
 * environment. It sends each function's requests to the entry proxy of the function's target node. Exit status 2
 * for a bad setting.
 *
 *   GIRAFF_IOT_HOST (0.0.0.0)  GIRAFF_IOT_PORT (3003)  GIRAFF_PROXY_PORT (3128, the nodes' proxies)
 *   GIRAFF_RUN (also the seed)  GIRAFF_EVENTS  GIRAFF_READY_FILE
 */
import { eventSinkFromEnv } from "../util/event-sink-env.ts";
import { ipVar, maybeVar, portVar, type Env } from "../util/env-vars.ts";
import { isMain } from "../util/cli.ts";
import { serveUntilSignal, type Service, serviceOf } from "../util/serve.ts";
import { startIotEmulator } from "./emulator.ts";

export interface IotSettings {
  host: string;
  port: number;
  proxyPort: number;
  seed: string;
}

export function iotSettings(env: Env): IotSettings {
  return {
    host: ipVar(env, "GIRAFF_IOT_HOST", "0.0.0.0"),
    port: portVar(env, "GIRAFF_IOT_PORT", 3003),
    proxyPort: portVar(env, "GIRAFF_PROXY_PORT", 3128),
    seed: maybeVar(env, "GIRAFF_RUN") ?? "vm",
  };
}

export async function startIotFromEnv(env: Env): Promise<Service> {
  const s = iotSettings(env);
  const events = eventSinkFromEnv(env, "iot");
  const iot = await startIotEmulator({ host: s.host, port: s.port, proxyPort: s.proxyPort, seed: s.seed, events });
  return serviceOf(iot.url, iot, events);
}

export const USAGE = `Usage: node --import tsx runtime/iot/cli.ts   (the IoT emulator; no argument but --help)

Configured by the environment (defaults in parentheses):
  GIRAFF_IOT_HOST     (0.0.0.0)
  GIRAFF_IOT_PORT     (3003)
  GIRAFF_PROXY_PORT   the nodes' proxies (3128)
  GIRAFF_RUN          also the seed
  GIRAFF_EVENTS, GIRAFF_READY_FILE`;

if (isMain(import.meta.url)) process.exitCode = await serveUntilSignal("iot", startIotFromEnv, { usage: USAGE });
