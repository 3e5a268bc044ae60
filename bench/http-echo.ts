/**
 * The baseline's server, run in its own process (as a fog node is): a bare `node:http` server on
 * `argv[2]` (host) that reads each request's body and answers with `argv[3]` bytes of JSON. It tells its
 * parent its port over IPC and exits when the parent disconnects.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const host = process.argv[2] ?? "127.0.0.1";
const answerBytes = Number(process.argv[3] ?? 300);
const answer = Buffer.from(JSON.stringify({ pad: "x".repeat(Math.max(0, answerBytes - 10)) }));

const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": String(answer.length) });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, host, () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on("disconnect", () => server.close(() => process.exit(0)));
