/**
 * The shell shared by the single-process entry points that run on a VM (`runtime/{node,proxy,market,iot}/cli.ts`):
 * read the settings once, start the service, announce it (one JSON line on stdout, and the URL in
 * `GIRAFF_READY_FILE` when set, written atomically so a reader never sees half of it), and close it on SIGINT or
 * SIGTERM. Bad settings exit with status 2 and a sentence naming the variable. The command line takes no argument
 * but `--help`, which prints `usage` (the variables the service reads); anything else exits 2 (runtime/util/cli.ts).
 */
import { ConfigError, ProtocolError } from "../protocol/errors.ts";
import { writeFileAtomicallySync } from "./atomic-file.ts";
import { CliError, consoleIo, runCommandLine, untilStopSignal } from "./cli.ts";
import type { Env } from "./env-vars.ts";

export interface Service {
  url: string;
  close(): Promise<void>;
}

/**
 * The service at `url` whose close closes `parts` in order: the server first, then what it used (a gateway, the
 * event file it wrote to, which must outlive its last event). Undefined parts are skipped.
 */
export function serviceOf(url: string, ...parts: ({ close(): Promise<void> | void } | undefined)[]): Service {
  return {
    url,
    close: async () => {
      for (const part of parts) await part?.close();
    },
  };
}

/** What {@link serveUntilSignal} reads besides the service itself; the defaults are the process's. */
export interface ServeOptions {
  /** Printed by `--help` and after a bad command line. */
  usage: string;
  argv?: readonly string[];
  env?: Env;
}

/** Checks the command line, then runs `start(env)` until a signal; resolves with the process's exit status. */
export async function serveUntilSignal(
  name: string,
  start: (env: Env) => Promise<Service>,
  { usage, argv = process.argv.slice(2), env = process.env }: ServeOptions,
): Promise<number> {
  return runCommandLine(argv, usage, { options: {} }, consoleIo, () => serve(name, start, env));
}

async function serve(name: string, start: (env: Env) => Promise<Service>, env: Env): Promise<number> {
  let service: Service;
  try {
    service = await start(env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ProtocolError)
      throw new CliError(`${name}: ${err.message}`, { exitCode: 2, cause: err });
    throw err;
  }
  const stop = untilStopSignal();
  console.log(JSON.stringify({ service: name, url: service.url, pid: process.pid }));
  const readyFile = env.GIRAFF_READY_FILE;
  if (readyFile !== undefined && readyFile !== "") {
    writeFileAtomicallySync(readyFile, `${service.url}\n`);
  }
  const signal = await stop;
  console.error(`${name}: ${signal}, stopping.`);
  await service.close();
  return 0;
}
