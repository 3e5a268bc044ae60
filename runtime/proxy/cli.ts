/**
 * GIRAFF's chaining proxy as one process, for a VM (the image's `giraff-proxy` service, or the Grid'5000
 * provider): `node --import tsx runtime/proxy/cli.ts`, configured by the environment. Link emulation is the
 * kernel's (tc netem) there, so the proxy adds no delay. Exit status 2 for a bad setting.
 *
 *   GIRAFF_PROXY_HOST (0.0.0.0)  GIRAFF_PROXY_PORT (3128)  GIRAFF_NODE_NAME (names the event source)
 *   GIRAFF_EVENTS  GIRAFF_RUN  GIRAFF_READY_FILE
 */
import { eventSinkFromEnv } from "../util/event-sink-env.ts";
import { ipVar, maybeVar, portVar, type Env } from "../util/env-vars.ts";
import { isMain } from "../util/cli.ts";
import { serveUntilSignal, type Service, serviceOf } from "../util/serve.ts";
import { startProxy } from "./proxy.ts";

export interface ProxySettings {
  host: string;
  port: number;
  source: string;
}

export function proxySettings(env: Env): ProxySettings {
  const name = maybeVar(env, "GIRAFF_NODE_NAME");
  return {
    host: ipVar(env, "GIRAFF_PROXY_HOST", "0.0.0.0"),
    port: portVar(env, "GIRAFF_PROXY_PORT", 3128),
    source: name === undefined ? "proxy" : `proxy-${name}`,
  };
}

export async function startProxyFromEnv(env: Env): Promise<Service> {
  const s = proxySettings(env);
  const events = eventSinkFromEnv(env, s.source);
  const proxy = await startProxy({ host: s.host, port: s.port, events });
  return serviceOf(proxy.url, proxy, events);
}

export const USAGE = `Usage: node --import tsx runtime/proxy/cli.ts   (the chaining proxy; no argument but --help)

Configured by the environment (defaults in parentheses):
  GIRAFF_PROXY_HOST   (0.0.0.0)
  GIRAFF_PROXY_PORT   (3128)
  GIRAFF_NODE_NAME    names the event source
  GIRAFF_EVENTS, GIRAFF_RUN, GIRAFF_READY_FILE`;

if (isMain(import.meta.url)) process.exitCode = await serveUntilSignal("proxy", startProxyFromEnv, { usage: USAGE });
