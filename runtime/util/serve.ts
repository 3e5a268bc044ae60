/**
 * The shell shared by the single-process entry points that run on a VM (`runtime/{node,proxy,market,iot}/cli.ts`):
 * read the settings once, start the service, announce it (one JSON line on stdout, and the URL in
 * `GIRAFF_READY_FILE` when set, written atomically so a reader never sees half of it), and close it on SIGINT or
 * SIGTERM. Bad settings exit with status 2 and a sentence naming the variable.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, ProtocolError } from "../protocol/errors.ts";
import type { Env } from "./env-vars.ts";

export interface Service {
  url: string;
  close(): Promise<void>;
}

/** Runs `start(env)` until a signal; resolves with the process's exit status. */
export async function serveUntilSignal(
  name: string,
  start: (env: Env) => Promise<Service>,
  env: Env = process.env,
): Promise<number> {
  let service: Service;
  try {
    service = await start(env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ProtocolError) {
      console.error(`${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const stop = new Promise<string>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
  });
  console.log(JSON.stringify({ service: name, url: service.url, pid: process.pid }));
  const readyFile = env.GIRAFF_READY_FILE;
  if (readyFile !== undefined && readyFile !== "") {
    mkdirSync(dirname(readyFile), { recursive: true });
    writeFileSync(`${readyFile}.${process.pid}.tmp`, `${service.url}\n`);
    renameSync(`${readyFile}.${process.pid}.tmp`, readyFile);
  }
  const signal = await stop;
  console.error(`${name}: ${signal}, stopping.`);
  await service.close();
  return 0;
}

/** True when the module at `moduleUrl` is the program node was started with (Node 20 has no `import.meta.main`). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}
