/**
 * The edge's limits under attack: a body trickled past the request deadline, more connections than the cap, and
 * a node's proposal limit seen by a client (429 with Retry-After, no longer a 503 "no bids").
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { startJsonServer, type RunningServer } from "../http/server.ts";
import { slaBody } from "../testing/fixtures.ts";
import { startMarketWithRoot } from "../testing/market-root.ts";
import { waitUntil } from "../testing/wait.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function echoServer(limits: { requestTimeoutMs?: number; maxConnections?: number }): Promise<RunningServer> {
  const server = await startJsonServer({
    host: "127.75.0.1",
    port: 0,
    routes: [{ method: "POST", path: "/echo", handler: (req) => ({ json: req.body ?? null }) }],
    limits: { headersTimeoutMs: 500, ...limits },
  });
  cleanups.push(() => server.close());
  return server;
}

/** The connections the server holds open (a connection refused at the cap is never counted). */
function connectionCount(server: RunningServer): Promise<number> {
  return new Promise((resolve, reject) => server.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

function open(server: RunningServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port }, () => resolve(socket));
    socket.on("error", reject);
  });
}

describe("edge limits", () => {
  it("answers a body trickled past the request deadline with 408 and closes the socket", async () => {
    const server = await echoServer({ requestTimeoutMs: 1_000 });
    const socket = await open(server);
    let answer = "";
    socket.on("data", (c: Buffer) => (answer += c.toString()));
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now())));
    const started = performance.now();
    socket.write("POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{");
    const trickle = setInterval(() => socket.write(" "), 200);
    const at = await closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // the deadline (1 s) plus the check interval (1 s), with room for a loaded machine
    expect(at - started).toBeLessThan(5_000);
  });

  it("drops connections beyond the cap and keeps serving the others", async () => {
    const server = await echoServer({ maxConnections: 4 });
    const sockets = await Promise.all(Array.from({ length: 4 }, () => open(server)));
    cleanups.push(async () => sockets.forEach((s) => s.destroy()));
    const extra = await open(server);
    const dropped = await new Promise<boolean>((resolve) => {
      extra.on("close", () => resolve(true));
      setTimeout(() => resolve(false), 2_000);
    });
    expect(dropped).toBe(true);
    sockets[0]!.destroy();
    // a place under the cap frees once the server has seen that socket close, not when the client destroys it
    await waitUntil("the server to count the closed connection out", () => connectionCount(server).then((n) => n < 4));
    const ok = await request(`${server.url}/echo`, { method: "POST", body: { a: 1 }, timeoutMs: 5_000 });
    expect(ok.status).toBe(200);
  });

  it("answers a rate-limited auction with 429 and Retry-After", async () => {
    const { market, close } = await startMarketWithRoot({
      marketHost: "127.75.0.254",
      nodeIp: "127.75.0.2",
      // a fixed port (the address is this test's own): the node registers the port the market calls back
      node: { portHttp: 30_001, maxInFlight: 1 },
    });
    cleanups.push(close);
    const put = (name: string) =>
      request(`${market.url}/api/function`, {
        method: "PUT",
        body: { sla: slaBody({ functionLiveName: name }), targetNode: "root" },
        timeoutMs: 10_000,
      });
    const first = await put("first");
    expect(first.status, first.text()).toBe(200);
    const second = await put("second");
    expect(second.status, second.text()).toBe(429);
    expect(second.headers["retry-after"]).toBe("1");
    expect((second.json() as { error: { reason: string } }).error.reason).toBe("rate limited");
  });
});
