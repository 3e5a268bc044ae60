/**
 * Host keys against a real sshd: trust on first use into a known_hosts file (logged with the fingerprint, in
 * OpenSSH's format, which `ssh` itself then accepts), hashed entries understood, and a changed host key (sshd
 * restarted on the same port with a new key) refused with a sentence naming the host, the file and the fix.
 */
import { createHmac } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { waitUntil } from "../../../../runtime/testing/wait.ts";
import { RemoteCommandError } from "./errors.ts";
import { fingerprint, KnownHostsFile } from "./host-keys.ts";
import { sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import { SshTransport } from "./transport.ts";

const skip = sshdSkipReason();

/**
 * A temp dir holding a client key, and an sshd that accepts it. The key outlives the sshd's own temp dir, so an
 * sshd restarted on the same port (with a new host key) accepts it too.
 */
async function sshdWithOwnKey(prefix: string): Promise<{ dir: string; clientKey: string; sshd: Sshd }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const clientKey = join(dir, "client");
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", clientKey]);
  return { dir, clientKey, sshd: await startSshd({ clientKeyPath: clientKey }) };
}

describe.skipIf(skip !== undefined)("known_hosts: trust on first use, changed keys refused (real sshd)", () => {
  let sshd: Sshd;
  let dir: string;
  let clientKey: string;
  let knownHosts: string;
  const id = () => `[${sshd.host}]:${sshd.port}`;
  const host = () => ({ name: "access.grid5000.fr", address: sshd.host, port: sshd.port });

  beforeAll(async () => {
    ({ dir, clientKey, sshd } = await sshdWithOwnKey("giraff-known-hosts-"));
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
    const { stdout } = await execa("sh", ["-c", `echo '${pubKey}' | ssh-keygen -lf -`]);
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
    await execa("ssh", [
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
    await execa("sh", ["-c", `cp ${knownHosts} ${hashed} && ssh-keygen -q -H -f ${hashed} && rm -f ${hashed}.old`]);
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
    await execa("sh", ["-c", `${removal} && rm -f ${knownHosts}.old`]);
    await connect(logger);
    expect(logger.lines.some((l) => l.startsWith(`first contact with ${id()}`))).toBe(true);
    expect(await readFile(knownHosts, "utf8")).toContain(sshd.hostPublicKey.split(" ")[1]);
  });
});

/**
 * VMs get new host keys with every deployment while the next job reuses their IPs: a per-deployment known_hosts
 * file (`knownHostsFileFor`) keeps them apart from the user's file, and `forgetHost` lets a VM redeployed on the
 * same address be trusted on first use again. The redeployment is an sshd restarted on the same port with a new key.
 */
describe.skipIf(skip !== undefined)("known_hosts per deployment, and forgetting a host (real sshd)", () => {
  let sshd: Sshd;
  let dir: string;
  let clientKey: string;
  let transport: SshTransport;
  let deploymentFile: string;
  const logger = new RecordingLogger();
  const vm = () => ({ name: "vm-10.144.0.3", address: sshd.host, port: sshd.port });
  const id = () => `[${sshd.host}]:${sshd.port}`;
  /** The known_hosts line for the running sshd (its public key file ends with a comment). */
  const line = () => `${id()} ${sshd.hostPublicKey.split(" ").slice(0, 2).join(" ")}\n`;

  beforeAll(async () => {
    ({ dir, clientKey, sshd } = await sshdWithOwnKey("giraff-known-hosts-vm-"));
    deploymentFile = join(dir, "deployment-1", "known_hosts");
    transport = await SshTransport.create({
      credentials: { privateKeyPath: clientKey },
      knownHostsFile: join(dir, "user_known_hosts"),
      knownHostsFileFor: (h) => (h.name.startsWith("vm-") ? deploymentFile : undefined),
      effects: { logger },
    });
  });
  afterAll(async () => {
    await transport?.close();
    await sshd?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test("a VM's key goes to the deployment's file, not the default one", async () => {
    await transport.exec(vm(), "true");
    expect(await readFile(deploymentFile, "utf8")).toBe(line());
    await expect(readFile(join(dir, "user_known_hosts"), "utf8")).rejects.toMatchObject({ code: "ENOENT" });
    expect(logger.lines).toContain(
      `first contact with ${id()}: its key ${fingerprint(sshd.hostPublicKey)} is now trusted in ${deploymentFile}`,
    );
  });

  test("a redeployed VM with a new key is refused until forgotten, then trusted on first use", async () => {
    const port = sshd.port;
    await sshd.stop();
    sshd = await startSshd({ clientKeyPath: clientKey, port });
    const refused = await transport.exec(vm(), "true").catch((e: unknown) => e);
    RemoteCommandError.assert(refused, { isHostKeyRejected: true, message: new RegExp(deploymentFile) });

    expect(transport.forgetHost(vm())).toBe(1);
    expect(await readFile(deploymentFile, "utf8")).toBe("");
    await transport.exec(vm(), "true");
    expect(await readFile(deploymentFile, "utf8")).toBe(line());
    expect(`${id()} ${transport.knownHosts.get(id())}\n`).toBe(line());
  });

  test("a new deployment's file trusts the reused address on first use, with no forgetting", async () => {
    const port = sshd.port;
    await sshd.stop();
    sshd = await startSshd({ clientKeyPath: clientKey, port });
    // the pooled connection went with the old sshd; the next deployment gets its own file
    deploymentFile = join(dir, "deployment-2", "known_hosts");
    await waitUntil("the old connection to leave the pool", () => transport.connections === 0);
    await transport.exec(vm(), "true");
    expect(await readFile(deploymentFile, "utf8")).toBe(line());
  });
});

test("KnownHostsFile.remove drops a host's plain and hashed lines and keeps the others, like ssh-keygen -R", async () => {
  const dir = await mkdtemp(join(tmpdir(), "giraff-known-hosts-rm-"));
  try {
    const path = join(dir, "known_hosts");
    const salt = Buffer.from("0123456789abcdefghij");
    const hashed = `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update("[10.0.0.1]:2222").digest("base64")}`;
    const lines = [
      "# comment",
      "[10.0.0.1]:2222 ssh-ed25519 AAAA1",
      "[10.0.0.1]:2222,other ssh-ed25519 AAAA2",
      `${hashed} ssh-ed25519 AAAA3`,
      "[10.0.0.1]:22 ssh-ed25519 AAAA4",
    ];
    await writeFile(path, `${lines.join("\n")}\n`);
    const file = new KnownHostsFile(path);
    expect(file.remove("[10.0.0.1]:2222")).toBe(3);
    expect(await readFile(path, "utf8")).toBe("# comment\nother ssh-ed25519 AAAA2\n[10.0.0.1]:22 ssh-ed25519 AAAA4\n");
    expect(file.remove("[10.0.0.1]:2222")).toBe(0);
    expect(new KnownHostsFile(join(dir, "missing")).remove("x")).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
