import ssh2 from "ssh2";
import { afterAll, describe, expect, test } from "vitest";
import { RemoteCommandError } from "./errors.ts";
import { freePort, sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import { SshTransport } from "./transport.ts";

const { utils } = ssh2;

const skip = sshdSkipReason();
const clientKey = () => utils.generateKeyPairSync("ed25519").private;

describe.skipIf(skip !== undefined)("SshTransport.waitForSsh", () => {
  const started: Sshd[] = [];
  afterAll(async () => {
    for (const sshd of started) await sshd.stop();
  });

  test("retries until an sshd that starts late answers", async () => {
    const sshd = await startSshd({ deferStart: true, port: await freePort() });
    started.push(sshd);
    const logger = new RecordingLogger();
    // Start the daemon only once the transport has seen it refuse a connection.
    let starting: Promise<void> | undefined;
    logger.onLine((line) => {
      if (line.startsWith("Waiting for SSH") && starting === undefined) starting = sshd.start();
    });
    const transport = await SshTransport.create({
      credentials: { privateKeyPath: sshd.clientKeyPath },
      effects: { logger },
    });
    try {
      const host = { name: "vm-late", address: sshd.host, port: sshd.port };
      const outcome = await transport.waitForSsh(host, { timeoutMs: 60_000 });
      expect(outcome.attempts).toBeGreaterThanOrEqual(2);
      expect(logger.lines[0]).toMatch(/^Waiting for SSH on vm-late \(attempt 1\): vm-late is unreachable/);
      expect((await transport.exec(host, "echo up")).stdoutTail).toBe("up\n");
    } finally {
      await starting;
      await transport.close();
    }
  });

  test("gives up after timeoutMs with timedOut and the last reason", async () => {
    const transport = await SshTransport.create({
      credentials: { privateKey: clientKey() },
      effects: { logger: new RecordingLogger() },
    });
    const host = { name: "vm-never", address: "127.0.0.1", port: await freePort() };
    const err = await transport.waitForSsh(host, { timeoutMs: 1_000 }).catch((e: unknown) => e);
    RemoteCommandError.assert(err, { timedOut: true, isUnreachable: true, message: /attempts failed; the last one/ });
  });

  test("an AbortSignal stops the wait with isCanceled", async () => {
    const logger = new RecordingLogger();
    const controller = new AbortController();
    logger.onLine(() => controller.abort());
    const transport = await SshTransport.create({ credentials: { privateKey: clientKey() }, effects: { logger } });
    const host = { name: "vm-never", address: "127.0.0.1", port: await freePort() };
    const err = await transport
      .waitForSsh(host, { timeoutMs: 60_000, signal: controller.signal })
      .catch((e: unknown) => e);
    RemoteCommandError.assert(err, { isCanceled: true, host: "vm-never" });
  });
});
