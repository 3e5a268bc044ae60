/**
 * Starts the embedded gateway on its own, for trying functions by hand:
 * `npx tsx runtime/faas/main.ts --port 8080 [--host 127.0.0.1] [--functions functions] [--logs /tmp/faas-logs]`.
 * Stops every function on SIGINT / SIGTERM.
 */
import { parseArgs } from "node:util";
import { startGateway } from "./gateway.ts";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8080" },
    functions: { type: "string", default: "functions" },
    logs: { type: "string" },
  },
});

const gateway = await startGateway({
  host: values.host,
  port: Number(values.port),
  functionsDir: values.functions,
  logsDir: values.logs,
});
console.log(JSON.stringify({ gateway: gateway.url }));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void gateway.close().then(() => process.exit(0));
  });
}
