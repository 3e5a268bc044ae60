/**
 * A dense function host: the process the embedded gateway starts once per image per worker in dense mode
 * (`function-host.ts` spawns `node --import tsx runtime/faas/dense-host.ts <handler.ts> <folder>`, in the same box as
 * a function process). It loads the image's factory once and serves every instance over ONE HTTP server:
 *
 *   gateway ──/function/<name>/<rest>──► http://127.0.0.1:<port>/<instance id>/<rest> ──► that instance's contract
 *
 * Each instance is `createFunction(env, {cpu})` with its own frozen environment object from the gateway (never this
 * process's `process.env`), its own contract state, body limit, in-flight limit (`max_inflight`, 429 above) and CPU
 * gate (a token bucket at its millicpu share between burn slices, `cpu-throttle.ts`). A handler that throws answers
 * 500 for that request only; an uncaught error kills the host, and the gateway fails all of its instances.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import {
  contractListener,
  type CpuGate,
  type FunctionFactory,
  type ServeOptions,
} from "../../functions/lib/contract.ts";
import { CpuThrottle } from "./cpu-throttle.ts";
import type { FromHost, InstanceUsage, ToHost } from "./function-host-messages.ts";

/** How often usage is reported to the gateway (only when it changed). */
const USAGE_PERIOD_MS = 250;

interface Instance {
  id: string;
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  throttle: CpuThrottle;
  maxInflight: number | null;
  counts: { requests: number; running: number; refused: number };
  open: Set<ServerResponse>;
  removed: boolean;
}

/** Thrown into a burn of an instance that was removed, so it stops using the CPU. */
class InstanceRemoved extends Error {}

const [handlerPath, folder = "function"] = process.argv.slice(2);
const send = (message: FromHost) => process.send?.(message);
const instances = new Map<string, Instance>();

const loaded = (await import(pathToFileURL(handlerPath ?? "").href)) as { createFunction?: unknown };
if (typeof loaded.createFunction !== "function") {
  process.stderr.write(`dense host: ${handlerPath} exports no createFunction(env) factory\n`);
  process.exit(2);
}
const createFunction = loaded.createFunction as FunctionFactory;

function gate(instance: Instance): CpuGate {
  let waited = 0;
  return {
    async beforeSlice() {
      if (instance.removed) throw new InstanceRemoved(`Instance ${instance.id} was removed.`);
      const waitMs = instance.throttle.waitMs(performance.now());
      if (waitMs <= 0) return;
      const start = performance.now();
      await sleep(waitMs);
      waited += performance.now() - start;
      if (instance.removed) throw new InstanceRemoved(`Instance ${instance.id} was removed.`);
    },
    afterSlice(busyMs) {
      instance.throttle.spend(performance.now(), busyMs, waited);
      waited = 0;
    },
  };
}

/** The handler, with the synchronous part of each call counted as the instance's CPU time. */
function counted(options: ServeOptions, instance: Instance): ServeOptions {
  return {
    ...options,
    handle: (request) => {
      const start = performance.now();
      try {
        return options.handle(request);
      } finally {
        const now = performance.now();
        instance.throttle.spend(now, now - start);
      }
    },
  };
}

function add(message: Extract<ToHost, { type: "add" }>): void {
  const env = Object.freeze({ ...message.env });
  const instance: Instance = {
    id: message.id,
    listener: () => undefined,
    throttle: new CpuThrottle({ milliCpu: message.milliCpu ?? undefined }),
    maxInflight: message.maxInflight,
    counts: { requests: 0, running: 0, refused: 0 },
    open: new Set(),
    removed: false,
  };
  try {
    const options = counted(createFunction(env, { cpu: gate(instance) }), instance);
    instance.listener = contractListener(options, env, (text) => {
      // a burn cut short by the instance's removal is not the function's failure
      if (!instance.removed) process.stderr.write(`[${instance.id}] ${text}`);
    });
  } catch (err) {
    send({ type: "add-failed", id: message.id, reason: `${folder}: ${(err as Error).message}` });
    return;
  }
  instances.set(message.id, instance);
  send({ type: "added", id: message.id });
}

function remove(id: string): void {
  const instance = instances.get(id);
  if (instance !== undefined) {
    instance.removed = true;
    instances.delete(id);
    for (const res of instance.open) res.destroy();
  }
  send({ type: "removed", id });
}

function reply(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: { message } });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const match = /^\/([^/?]+)(.*)$/.exec(req.url ?? "/");
  const instance = match === null ? undefined : instances.get(decodeURIComponent(match[1]!));
  if (match === null || instance === undefined) return reply(res, 404, `No instance at ${req.url}.`);
  const rest = match[2]!;
  req.url = rest.startsWith("/") ? rest : `/${rest}`;
  const isHealth = req.url === "/health" || req.url.startsWith("/health?");
  if (!isHealth && instance.maxInflight !== null && instance.counts.running >= instance.maxInflight) {
    instance.counts.refused += 1;
    return reply(res, 429, `Instance ${instance.id} has ${instance.maxInflight} requests in flight (max_inflight).`);
  }
  instance.counts.requests += 1;
  instance.counts.running += 1;
  instance.open.add(res);
  res.once("close", () => {
    instance.counts.running -= 1;
    instance.open.delete(res);
  });
  instance.listener(req, res);
});

let lastUsage = "";
function reportUsage(): void {
  const usage: Record<string, InstanceUsage> = {};
  for (const [id, i] of instances) {
    usage[id] = { busyMs: i.throttle.busyMs, throttledMs: i.throttle.throttledMs, ...i.counts };
  }
  const text = JSON.stringify(usage);
  if (text === lastUsage) return;
  lastUsage = text;
  send({ type: "usage", instances: usage });
}

process.on("message", (raw) => {
  const message = raw as ToHost;
  if (message.type === "add") add(message);
  else if (message.type === "remove") remove(message.id);
});
// the gateway's process is gone (even SIGKILLed): its functions must not outlive it
process.on("disconnect", () => process.exit(0));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
setInterval(reportUsage, USAGE_PERIOD_MS).unref();
server.listen(0, "127.0.0.1", () => send({ type: "listening", port: (server.address() as AddressInfo).port }));
