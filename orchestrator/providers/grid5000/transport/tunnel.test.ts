/**
 * A tunnel whose SSH connection drops fails cleanly and within the keep-alive bound, against a real sshd: an HTTP
 * server on loopback behind it, requests in flight and new ones, and the connection lost three ways (the sshd
 * session killed, the TCP connection reset on the path, the session frozen with SIGSTOP as a black hole), and
 * through a jump host whose session is killed (the laptop case). Short
 * keep-alives (200 ms × 2) keep the black-hole test under a second; nothing sleeps a fixed time.
 */
import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { waitUntil } from "../../../../runtime/testing/wait.ts";
import { deadAfterMs } from "./connect.ts";
import { RemoteCommandError } from "./errors.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import { freePort, sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { SshTransport } from "./transport.ts";
import type { Tunnel } from "./tunnel.ts";

const skip = sshdSkipReason();
const KEEPALIVE = { intervalMs: 200, countMax: 2 };
/** Room for a loaded 2-core machine on top of the keep-alive bound. */
const SLACK_MS = 2_000;

interface Outcome {
  status?: number;
  code?: string;
  ms: number;
}

describe.skipIf(skip !== undefined)("a tunnel whose SSH connection drops (real sshd)", { timeout: 15_000 }, () => {
  let sshd: Sshd;
  let web: http.Server;
  let webPort: number;
  /** Requests to /hold, answered only when the test ends: requests in flight when the connection drops. */
  const held: http.ServerResponse[] = [];
  const open: { transport: SshTransport; tunnel: Tunnel }[] = [];
  const frozen: number[] = [];

  beforeAll(async () => {
    web = http.createServer((req, res) => (req.url === "/hold" ? held.push(res) : res.end("ok")));
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    webPort = (web.address() as net.AddressInfo).port;
    sshd = await startSshd({ allowTcpForwarding: true });
  });
  afterEach(async () => {
    for (const pid of frozen.splice(0)) signal(pid, "SIGCONT");
    for (const { transport, tunnel } of open.splice(0)) {
      await tunnel.close();
      await transport.close();
    }
    for (const res of held.splice(0)) res.destroy();
  });
  afterAll(async () => {
    web?.closeAllConnections();
    await new Promise((resolve) => web?.close(resolve));
    await sshd?.stop();
  });

  async function openTunnel(port = sshd.port) {
    const logger = new RecordingLogger();
    const drops: RemoteCommandError[] = [];
    const transport = await SshTransport.create({
      credentials: { privateKeyPath: sshd.clientKeyPath },
      keepaliveIntervalMs: KEEPALIVE.intervalMs,
      keepaliveCountMax: KEEPALIVE.countMax,
      effects: { logger },
    });
    const tunnel = await transport.tunnel({ name: "vm-1", address: sshd.host, port }, webPort, {
      onDrop: (err) => drops.push(err),
    });
    open.push({ transport, tunnel });
    expect(await get(tunnel.localPort, "/")).toMatchObject({ status: 200 });
    return { transport, tunnel, drops, logger };
  }

  /** Starts a request held by the server, and resolves once the server has it (boxed: a promise would be awaited). */
  async function inFlight(tunnel: Tunnel): Promise<{ outcome: Promise<Outcome> }> {
    const before = held.length;
    const outcome = get(tunnel.localPort, "/hold");
    await waitUntil("the held request to reach the server", () => held.length > before);
    return { outcome };
  }

  /** The session process(es) of the one connection open to the sshd. */
  async function sessions(): Promise<number[]> {
    const pids = await sshd.sessionPids();
    expect(pids.length).toBeGreaterThan(0);
    return pids;
  }

  function expectDropped(
    tunnel: Tunnel,
    drops: RemoteCommandError[],
    logger: RecordingLogger,
    why: RegExp,
  ): RemoteCommandError {
    expect(drops).toHaveLength(1);
    const err = drops[0]!;
    expect(tunnel.dropped).toBe(err);
    RemoteCommandError.assert(err, { isConnectionLost: true, host: "vm-1" });
    expect(err.message).toContain(`The SSH connection to vm-1 was lost. The tunnel to 127.0.0.1:${webPort} dropped: `);
    expect(err.message).toMatch(why);
    expect(err.message).toContain("were reset and new ones are refused.");
    expect(logger.lines.filter((l) => l.includes("dropped"))).toEqual([`warning: ${err.message}`]);
    return err;
  }

  /** New connections are reset at once, and the tunnel does not reconnect although the sshd still listens. */
  async function expectRefused(tunnel: Tunnel) {
    for (const path of ["/", "/"]) {
      const refused = await get(tunnel.localPort, path);
      expect(refused).toMatchObject({ code: "ECONNRESET" });
      expect(refused.ms).toBeLessThan(SLACK_MS);
    }
  }

  test("the sshd session killed: requests in flight end at once, new ones are refused, onDrop fires once", async () => {
    const { tunnel, drops, logger } = await openTunnel();
    const pending = [(await inFlight(tunnel)).outcome, (await inFlight(tunnel)).outcome];
    const killed = performance.now();
    for (const pid of await sessions()) signal(pid, "SIGKILL");
    for (const outcome of await Promise.all(pending)) expect(outcome).toMatchObject({ code: "ECONNRESET" });
    await waitUntil("onDrop", () => drops.length > 0);
    expect(performance.now() - killed).toBeLessThan(SLACK_MS);
    // a FIN, or a reset when the killed process had unread bytes (a keep-alive) in its socket
    const why = /dropped: (the SSH server closed the connection|the SSH connection failed \(read ECONNRESET\)); 2 conn/;
    const err = expectDropped(tunnel, drops, logger, why);
    await expectRefused(tunnel);
    expect(drops).toEqual([err]);
    // close after the drop is safe, twice, and frees the port
    await tunnel.close();
    await tunnel.close();
    expect(await get(tunnel.localPort, "/")).toMatchObject({ code: "ECONNREFUSED" });
    expect(drops).toHaveLength(1);
  });

  test("the TCP connection reset on the path: the same clean failure, naming the reset", async () => {
    const relay = await startRelay(sshd.host, sshd.port);
    try {
      const { tunnel, drops, logger } = await openTunnel(relay.port);
      const { outcome: pending } = await inFlight(tunnel);
      relay.reset();
      expect(await pending).toMatchObject({ code: "ECONNRESET" });
      await waitUntil("onDrop", () => drops.length > 0);
      expectDropped(tunnel, drops, logger, /dropped: the SSH connection failed \(read ECONNRESET\); 1 connection/);
      await expectRefused(tunnel);
    } finally {
      await relay.close();
    }
  });

  test("a black hole (the session frozen by SIGSTOP) is detected by the keep-alives within their bound", async () => {
    const { tunnel, drops, logger } = await openTunnel();
    const { outcome: pending } = await inFlight(tunnel);
    const pids = await sessions();
    const stopped = performance.now();
    for (const pid of pids) signal(pid, "SIGSTOP");
    frozen.push(...pids);
    // a connection opened into the black hole waits for the detection too, then is reset
    const during = get(tunnel.localPort, "/");
    const [inflight, fresh] = await Promise.all([pending, during]);
    const detectedMs = performance.now() - stopped;
    expect(inflight).toMatchObject({ code: "ECONNRESET" });
    expect(fresh).toMatchObject({ code: "ECONNRESET" });
    expect(detectedMs).toBeLessThan(deadAfterMs(KEEPALIVE) + SLACK_MS);
    expectDropped(tunnel, drops, logger, /dropped: 2 SSH keep-alives sent 200 ms apart went unanswered/);
    await expectRefused(tunnel);
  });

  test("closing the transport closes its tunnels without reporting a drop", async () => {
    const { transport, tunnel, drops } = await openTunnel();
    const { outcome: pending } = await inFlight(tunnel);
    await transport.close();
    expect(await pending).toMatchObject({ code: expect.stringMatching(/ECONNRESET/) });
    expect(await get(tunnel.localPort, "/")).toMatchObject({ code: "ECONNREFUSED" });
    expect(drops).toEqual([]);
    expect(tunnel.dropped).toBeUndefined();
  });

  test("a tunnel to an unreachable host rejects when it opens, not at the first request", async () => {
    const transport = await SshTransport.create({ credentials: { privateKeyPath: sshd.clientKeyPath } });
    try {
      const gone = { name: "vm-9", address: sshd.host, port: await freePort(sshd.host) };
      const err = await transport.tunnel(gone, webPort).catch((e: unknown) => e);
      RemoteCommandError.assert(err, { isUnreachable: true, host: "vm-9", command: `tunnel to 127.0.0.1:${webPort}` });
    } finally {
      await transport.close();
    }
  });

  test("through a jump host (the laptop case), the gateway's session killed drops the tunnel to the node", async () => {
    const node = await startSshd({
      listenAddress: "127.0.0.2",
      clientKeyPath: sshd.clientKeyPath,
      allowTcpForwarding: true,
    });
    const drops: RemoteCommandError[] = [];
    const transport = await SshTransport.create({
      credentials: { privateKeyPath: sshd.clientKeyPath },
      jump: { name: "access", address: sshd.host, port: sshd.port },
      keepaliveIntervalMs: KEEPALIVE.intervalMs,
      keepaliveCountMax: KEEPALIVE.countMax,
      effects: { logger: new RecordingLogger() },
    });
    try {
      const target = { name: "gros-1.nancy", address: node.host, port: node.port };
      const tunnel = await transport.tunnel(target, webPort, { onDrop: (err) => drops.push(err) });
      expect(await get(tunnel.localPort, "/")).toMatchObject({ status: 200 });
      // the gateway's sessions only: the node's sshd, a child of its own listener, goes on
      for (const pid of await sessions()) signal(pid, "SIGKILL");
      await waitUntil("onDrop", () => drops.length > 0);
      RemoteCommandError.assert(drops[0], { isConnectionLost: true, host: "gros-1.nancy" });
      expect(drops[0]!.message).toContain(`The tunnel to 127.0.0.1:${webPort} dropped: `);
      await expectRefused(tunnel);
      expect(drops).toHaveLength(1);
    } finally {
      await transport.close();
      await node.stop();
    }
  });

  test("keep-alive options are checked: 0 would turn them off", async () => {
    const err = await SshTransport.create({
      credentials: { privateKeyPath: sshd.clientKeyPath },
      keepaliveIntervalMs: 0,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      field: "keepaliveIntervalMs",
      message: "`keepaliveIntervalMs` must be a positive integer, got 0.",
    });
  });
});

/** GET through the tunnel without a client timeout: a hang shows as the test's own timeout. */
function get(port: number, path: string): Promise<Outcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve({ status: res.statusCode!, ms: ms() }));
      res.once("error", (err: NodeJS.ErrnoException) => resolve({ code: err.code ?? err.message, ms: ms() }));
    });
    req.once("error", (err: NodeJS.ErrnoException) => resolve({ code: err.code ?? err.message, ms: ms() }));
  });
}

/**
 * A TCP relay in front of the sshd, standing for the network path: `reset()` resets both sides of every relayed
 * connection, as a router or a NAT box that lost its state does.
 */
async function startRelay(host: string, port: number) {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((down) => {
    const up = net.connect(port, host);
    const pair: [net.Socket, net.Socket] = [down, up];
    pairs.add(pair);
    down.on("error", () => up.destroy());
    up.on("error", () => down.destroy());
    down.once("close", () => pairs.delete(pair));
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    reset() {
      for (const [down, up] of pairs) {
        down.resetAndDestroy();
        up.resetAndDestroy();
      }
    },
    close() {
      for (const pair of pairs) pair.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
