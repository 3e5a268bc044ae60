/**
 * A chaining proxy in its own process, as on a fog node, for the proxy benchmarks: `startProxy` on `argv[2]`
 * (host), hop events serialised to `/dev/null` so their cost is counted. It tells its parent its port over IPC and
 * exits when the parent disconnects.
 */
import { fileEventWriter } from "../runtime/events/writer.ts";
import { startProxy } from "../runtime/proxy/proxy.ts";

const host = process.argv[2] ?? "127.0.0.1";
const events = fileEventWriter("/dev/null", { run: "bench", source: "proxy" });
const proxy = await startProxy({ host, port: 0, events });
process.send?.({ port: proxy.port });
process.on("disconnect", () => void proxy.close().then(() => process.exit(0)));
