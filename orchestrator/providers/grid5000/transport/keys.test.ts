/**
 * Keys against a real sshd: a real `ssh-agent` (SSH_AUTH_SOCK) tried before the key file, a passphrase-protected key
 * with and without its passphrase, and the refusal sentence that names the file and the variable.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import { waitUntil } from "../../../../runtime/testing/wait.ts";
import { RemoteCommandError } from "./errors.ts";
import { sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import { SshTransport } from "./transport.ts";

const AGENT_TOOLS = ["/usr/bin/ssh-agent", "/usr/bin/ssh-add"];
const skip = sshdSkipReason() ?? agentSkipReason();
const PASSPHRASE = "keys-test-passphrase-5521";

function agentSkipReason(): string | undefined {
  if (AGENT_TOOLS.every((p) => existsSync(p))) return undefined;
  const missing = "ssh-agent and ssh-add are not installed: install the Debian package `openssh-client`.";
  if (process.env.CI === "true") throw new Error(missing);
  console.warn(`Skipping ssh-agent tests. ${missing}`);
  return missing;
}

describe.skipIf(skip !== undefined)("SSH keys: ssh-agent and passphrases (real sshd, real ssh-agent)", () => {
  let sshd: Sshd;
  let dir: string;
  let agent: ResultPromise<{ stdio: "ignore"; reject: false }>;
  let socket: string;
  let encrypted: string;
  const host = () => ({ name: "gros-3.nancy", address: sshd.host, port: sshd.port });

  beforeAll(async () => {
    sshd = await startSshd();
    dir = await mkdtemp(join(tmpdir(), "giraff-keys-"));
    socket = join(dir, "agent.sock");
    // -D: in the foreground, so the test owns its pid and stops it by that pid
    agent = execa("ssh-agent", ["-D", "-a", socket], { stdio: "ignore", reject: false });
    await waitUntil("ssh-agent to listen", () => existsSync(socket));
    await execa("ssh-add", [sshd.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    encrypted = join(dir, "encrypted");
    await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", encrypted]);
    await execa("sh", ["-c", `cat ${encrypted}.pub >> ${join(sshd.dir, "authorized_keys")}`]);
  });
  afterAll(async () => {
    if (agent?.pid !== undefined) {
      agent.kill("SIGTERM");
      await agent;
    }
    await sshd?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function whoami(
    credentials: Parameters<typeof SshTransport.create>[0]["credentials"],
    logger = new RecordingLogger(),
  ) {
    const transport = await SshTransport.create({ credentials, effects: { logger } });
    try {
      return (await transport.exec(host(), "echo ok")).stdoutTail.trim();
    } finally {
      await transport.close();
    }
  }

  test("the agent alone authenticates (no key file)", async () => {
    expect(await whoami({ agent: socket })).toBe("ok");
    const log = await sshd.log();
    expect(log).toMatch(/Accepted publickey for root/);
  });

  test("the agent is tried before the key file (sshd accepts the agent's key)", async () => {
    const before = (await sshd.log()).length;
    expect(await whoami({ agent: socket, privateKeyPath: encrypted, passphrase: PASSPHRASE })).toBe("ok");
    const fingerprintOf = async (pub: string) => (await execa("ssh-keygen", ["-lf", pub])).stdout.split(" ")[1]!;
    const accepted = (await sshd.log()).slice(before);
    expect(accepted).toContain(await fingerprintOf(`${sshd.clientKeyPath}.pub`));
    expect(accepted).not.toContain(await fingerprintOf(`${encrypted}.pub`));
  });

  test("with the agent set, a missing key file is not an error: the agent is used, and the log says so", async () => {
    const logger = new RecordingLogger();
    expect(await whoami({ agent: socket, privateKeyPath: join(dir, "absent") }, logger)).toBe("ok");
    expect(logger.lines.join("\n")).toMatch(/using the ssh-agent at .* only: the key file .*absent could not be read/);
  });

  test("a stale agent socket falls back to the key file", async () => {
    const logger = new RecordingLogger();
    const stale = join(dir, "no-agent.sock");
    expect(await whoami({ agent: stale, privateKeyPath: sshd.clientKeyPath }, logger)).toBe("ok");
    expect(logger.lines.join("\n")).toMatch(/warning: the ssh-agent could not be used/);
  });

  test("an encrypted key with its passphrase authenticates", async () => {
    expect(await whoami({ privateKeyPath: encrypted, passphrase: PASSPHRASE })).toBe("ok");
  });

  test("rsync (OpenSSH) cannot take the passphrase: syncDir says to use the agent", async () => {
    const transport = await SshTransport.create({ credentials: { privateKeyPath: encrypted, passphrase: PASSPHRASE } });
    const err = await transport.syncDir(host(), dir, "/tmp/giraff-keys-sync").catch((e: unknown) => e);
    await transport.close();
    RemoteCommandError.assert(err, { isAuthFailure: true, message: /ssh-add the key to an ssh-agent/ });
    expect(err.message).not.toContain(PASSPHRASE);
  });

  test("an encrypted key without passphrase nor agent: a sentence naming the file and the variable", async () => {
    const err = await SshTransport.create({ credentials: { privateKeyPath: encrypted } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const { message, field } = err as ConfigError;
    expect(field).toBe("G5K_SSH_KEY_PASSPHRASE");
    expect(message).toContain(encrypted);
    expect(message).toMatch(/G5K_SSH_KEY_PASSPHRASE/);
    expect(message).toMatch(/SSH_AUTH_SOCK/);
    expect(message).not.toContain("\n");
    expect(message).not.toContain((await readFile(encrypted, "utf8")).split("\n")[1]);
  });

  test("an encrypted key without passphrase, with an agent: the agent alone is used", async () => {
    const logger = new RecordingLogger();
    expect(await whoami({ agent: socket, privateKeyPath: encrypted }, logger)).toBe("ok");
    expect(logger.lines.join("\n")).toMatch(/is encrypted and G5K_SSH_KEY_PASSPHRASE is not set: using the ssh-agent/);
  });

  test("a wrong passphrase is refused at create, naming the variable, without the passphrase", async () => {
    const wrong = `${PASSPHRASE}-wrong`;
    const err = await SshTransport.create({ credentials: { privateKeyPath: encrypted, passphrase: wrong } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/bad passphrase.*Check G5K_SSH_KEY_PASSPHRASE/);
    expect((err as Error).message).not.toContain(PASSPHRASE);
  });

  test("no agent and no key file: a sentence naming the file and G5K_SSH_KEY", async () => {
    const err = await SshTransport.create({ credentials: { privateKeyPath: join(dir, "absent") } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/The SSH key .*absent could not be read \(ENOENT\).*G5K_SSH_KEY/);
  });
});
