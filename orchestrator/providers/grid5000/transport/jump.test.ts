import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RemoteCommandError } from "./errors.ts";
import { freePort, sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import { SshTransport } from "./transport.ts";

const skip = sshdSkipReason();

/**
 * Two sshd: the "access gateway" on 127.0.0.1 (TCP forwarding allowed) and a "node" on 127.0.0.2 (no forwarding).
 * Loopback cannot hide the node from the client, so the test proves the route from the gateway's log instead.
 */
describe.skipIf(skip !== undefined)("SshTransport through a jump host (two real sshd)", () => {
  let gateway: Sshd;
  let node: Sshd;
  let transport: SshTransport;
  const logger = new RecordingLogger();
  let target: { name: string; address: string; port: number };

  beforeAll(async () => {
    gateway = await startSshd({ allowTcpForwarding: true, logLevel: "DEBUG1" });
    node = await startSshd({ listenAddress: "127.0.0.2", clientKeyPath: gateway.clientKeyPath });
    target = { name: "gros-1.nancy", address: node.host, port: node.port };
    transport = await SshTransport.create({
      credentials: { privateKeyPath: gateway.clientKeyPath },
      jump: { name: "access", address: gateway.host, port: gateway.port },
      effects: { logger },
    });
  });
  afterAll(async () => {
    await transport?.close();
    await node?.stop();
    await gateway?.stop();
  });

  test("runs a command on the node, forwarded by the gateway", async () => {
    const result = await transport.exec(target, 'echo "$SSH_CONNECTION"');
    // The node sees the session arriving on 127.0.0.2 at its port.
    expect(result.stdoutTail.trim().split(" ").slice(2)).toEqual([node.host, String(node.port)]);
    const forwarded = new RegExp(
      `direct-tcpip.*127\\.0\\.0\\.2 port ${node.port}|target 127\\.0\\.0\\.2 port ${node.port}`,
    );
    expect(await gateway.log()).toMatch(forwarded);
    expect(logger.lines).toContain("Connecting to gros-1.nancy through access.");
  });

  test("many targets share one gateway connection", async () => {
    const accepted = async () => ((await gateway.log()).match(/Accepted publickey for root/g) ?? []).length;
    const before = await accepted();
    await transport.execAll(
      [1, 2, 3].map((i) => ({ ...target, name: `vm-${i}` })),
      "true",
    );
    expect(await accepted()).toBe(before);
  });

  test("a target the gateway cannot reach is isUnreachable, with the gateway's reason", async () => {
    const gone = { name: "gros-99.nancy", address: "127.0.0.2", port: await freePort("127.0.0.2") };
    const err = await transport.exec(gone, "true").catch((e: unknown) => e);
    RemoteCommandError.assert(err, { isUnreachable: true, host: "gros-99.nancy", message: /access could not open/ });
  });

  test("a gateway that is down makes the target isUnreachable, naming the gateway", async () => {
    const down = await SshTransport.create({
      credentials: { privateKeyPath: gateway.clientKeyPath },
      jump: { name: "access-down", address: "127.0.0.1", port: await freePort() },
      effects: { logger },
    });
    try {
      const err = await down.exec(target, "true").catch((e: unknown) => e);
      RemoteCommandError.assert(err, {
        isUnreachable: true,
        host: "gros-1.nancy",
        message: /jump host failed: .*access-down/,
      });
    } finally {
      await down.close();
    }
  });

  test("put and syncDir go through the gateway too", async () => {
    const local = await mkdtemp(join(tmpdir(), "giraff-jump-"));
    try {
      await transport.put(target, Buffer.from("via sftp"), join(node.dir, "sftp.txt"));
      await mkdir(join(local, "tree"));
      await writeFile(join(local, "tree", "f.txt"), "via rsync");
      await transport.syncDir(target, join(local, "tree"), join(node.dir, "tree"));
      expect(await readFile(join(node.dir, "sftp.txt"), "utf8")).toBe("via sftp");
      expect(await readFile(join(node.dir, "tree", "f.txt"), "utf8")).toBe("via rsync");
    } finally {
      await rm(local, { recursive: true, force: true });
    }
  });
});
