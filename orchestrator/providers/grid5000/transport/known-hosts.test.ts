/**
 * Host keys against a real sshd: trust on first use into a known_hosts file (logged with the fingerprint, in
 * OpenSSH's format, which `ssh` itself then accepts), hashed entries understood, and a changed host key (sshd
 * restarted on the same port with a new key) refused with a sentence naming the host, the file and the fix.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RemoteCommandError } from "./errors.ts";
import { sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import { SshTransport } from "./transport.ts";

const run = promisify(execFile);
const skip = sshdSkipReason();

describe.skipIf(skip !== undefined)("known_hosts: trust on first use, changed keys refused (real sshd)", () => {
  let sshd: Sshd;
  let dir: string;
  let clientKey: string;
  let knownHosts: string;
  const id = () => `[${sshd.host}]:${sshd.port}`;
  const host = () => ({ name: "access.grid5000.fr", address: sshd.host, port: sshd.port });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "giraff-known-hosts-"));
    // the client key outlives the sshd's temp dir, so the restarted sshd accepts it too
    clientKey = join(dir, "client");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", clientKey]);
    sshd = await startSshd({ clientKeyPath: clientKey });
    knownHosts = join(dir, "ssh", "known_hosts");
  });
  afterAll(async () => {
    await sshd?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function connect(logger: RecordingLogger, file = knownHosts) {
    const transport = await SshTransport.create({
      credentials: { privateKeyPath: clientKey },
      knownHostsFile: file,
      effects: { logger },
    });
    try {
      return await transport.exec(host(), "echo ok");
    } finally {
      await transport.close();
    }
  }

  const sshFingerprint = async (pubKey: string) => {
    const { stdout } = await run("sh", ["-c", `echo '${pubKey}' | ssh-keygen -lf -`]);
    return stdout.split(" ")[1]!;
  };

  test("first contact writes the key in OpenSSH's format and logs its fingerprint", async () => {
    const logger = new RecordingLogger();
    expect((await connect(logger)).stdoutTail.trim()).toBe("ok");
    const [type, key] = sshd.hostPublicKey.split(" ");
    expect(await readFile(knownHosts, "utf8")).toBe(`${id()} ${type} ${key}\n`);
    const fp = await sshFingerprint(sshd.hostPublicKey);
    expect(fp).toMatch(/^SHA256:/);
    expect(logger.lines).toContain(`first contact with ${id()}: its key ${fp} is now trusted in ${knownHosts}`);
    // OpenSSH itself accepts the file, strictly
    const ssh = ["-i", clientKey, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o"];
    await run("ssh", [
      ...ssh,
      `UserKnownHostsFile=${knownHosts}`,
      "-p",
      String(sshd.port),
      `root@${sshd.host}`,
      "true",
    ]);
  });

  test("a known host connects without a new line or a first-contact log", async () => {
    const logger = new RecordingLogger();
    await connect(logger);
    expect(logger.lines.filter((l) => l.startsWith("first contact"))).toEqual([]);
    expect((await readFile(knownHosts, "utf8")).trim().split("\n")).toHaveLength(1);
  });

  test("hashed entries (HashKnownHosts yes, Debian's default) are understood", async () => {
    const hashed = join(dir, "hashed_known_hosts");
    await run("sh", ["-c", `cp ${knownHosts} ${hashed} && ssh-keygen -q -H -f ${hashed} && rm -f ${hashed}.old`]);
    expect(await readFile(hashed, "utf8")).toMatch(/^\|1\|/);
    const logger = new RecordingLogger();
    await connect(logger, hashed);
    expect(logger.lines.filter((l) => l.startsWith("first contact"))).toEqual([]);
  });

  test("a changed host key is refused, naming the host, the file and how to remove the stale line", async () => {
    const port = sshd.port;
    const oldKey = sshd.hostPublicKey;
    await sshd.stop();
    sshd = await startSshd({ clientKeyPath: clientKey, port });
    expect(sshd.hostPublicKey).not.toBe(oldKey);

    const logger = new RecordingLogger();
    const err = await connect(logger).catch((e: unknown) => e);
    RemoteCommandError.assert(err, { isHostKeyRejected: true, host: "access.grid5000.fr" });
    const removal = `ssh-keygen -R '${id()}' -f ${knownHosts}`;
    expect(err.message).toContain(`The host key of ${id()} changed: ${knownHosts} has ${await sshFingerprint(oldKey)}`);
    expect(err.message).toContain(`the host offered ${await sshFingerprint(sshd.hostPublicKey)}`);
    expect(err.message).toContain(removal);
    expect(await readFile(knownHosts, "utf8")).toContain(oldKey.split(" ")[1]);

    // the suggested command works: the next contact is a first contact again
    await run("sh", ["-c", `${removal} && rm -f ${knownHosts}.old`]);
    await connect(logger);
    expect(logger.lines.some((l) => l.startsWith(`first contact with ${id()}`))).toBe(true);
    expect(await readFile(knownHosts, "utf8")).toContain(sshd.hostPublicKey.split(" ")[1]);
  });
});
