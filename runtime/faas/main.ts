/**
 * Starts the embedded gateway on its own, for trying functions by hand:
 * `npx tsx runtime/faas/main.ts --port 8080 [--host 127.0.0.1] [--functions functions] [--logs /tmp/faas-logs]
 * [--mode process|dense]`.
 * Prints `{"gateway": <url>, "username": "admin", "password": <random>}` once it listens (`/system/*` needs that
 * basic auth), and stops every function on SIGINT / SIGTERM. Exit status 2 for a bad option.
 */
import { consoleIo, isMain, runCommandLine, untilStopSignal, UsageError, type CliIo } from "../util/cli.ts";
import { startGateway } from "./gateway.ts";

const USAGE = `Usage: npx tsx runtime/faas/main.ts [--port 8080] [--host 127.0.0.1] [--functions functions] [--logs <dir>]
       [--mode process|dense]

  --port <n>          port to listen on, 0 for any free port (default 8080)
  --host <address>    address to listen on (default 127.0.0.1)
  --functions <dir>   the functions' folder (default functions)
  --logs <dir>        write each function's output there
  --mode <how>        process (one process per function, default) or dense (one host process per image)
  --help              this text`;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const options = {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8080" },
    functions: { type: "string", default: "functions" },
    logs: { type: "string" },
    mode: { type: "string", default: "process" },
  } as const;
  return runCommandLine(argv, USAGE, { options }, io, async ({ values }) => {
    const port = Number(values.port);
    if (values.port.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`Expected --port to be a port number (0 to 65535), got ${JSON.stringify(values.port)}.`);
    }
    const mode = values.mode;
    if (mode !== "process" && mode !== "dense") {
      throw new UsageError(`Expected --mode to be process or dense, got ${JSON.stringify(mode)}.`);
    }
    const gateway = await startGateway({
      functionMode: mode,
      host: values.host,
      port,
      functionsDir: values.functions,
      logsDir: values.logs,
    });
    io.out(JSON.stringify({ gateway: gateway.url, ...gateway.auth }));
    await untilStopSignal();
    await gateway.close();
    return 0;
  });
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
