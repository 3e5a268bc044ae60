import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RemoteCommandError } from "./errors.ts";
import { sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import { SshTransport } from "./transport.ts";

const skip = sshdSkipReason();
const PASSPHRASE = "correct-horse-battery-staple-7731";

/** Everything an operator could see of an error: message, fields, the cause chain, its JSON. */
function visible(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    parts.push(String(e), JSON.stringify(e), (e as Error).stack ?? "");
    if (!(e instanceof Error)) break;
  }
  return parts.join("\n");
}

describe.skipIf(skip !== undefined)("secrets stay out of errors and logs", () => {
  let sshd: Sshd;
  let keyPath: string;
  let keyText: string;

  beforeAll(async () => {
    sshd = await startSshd();
    keyPath = join(sshd.dir, "encrypted");
    await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", keyPath]);
    keyText = await readFile(keyPath, "utf8");
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const keyBody = () => keyText.split("\n")[1] ?? "";

  test("a wrong passphrase fails at create, without the passphrase or the key", async () => {
    const err = await SshTransport.create({
      credentials: { privateKey: keyText, passphrase: `${PASSPHRASE}-wrong` },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/The private key \(given as a buffer\) could not be used/);
    expect(visible(err)).not.toContain(PASSPHRASE);
    expect(visible(err)).not.toContain(keyBody());
  });

  test("an unauthorised encrypted key fails with isAuthFailure, and nothing secret is logged", async () => {
    const logger = new RecordingLogger();
    const transport = await SshTransport.create({
      credentials: { privateKeyPath: keyPath, passphrase: PASSPHRASE },
      jump: { name: "gw", address: sshd.host, port: sshd.port },
      effects: { logger },
    });
    try {
      const host = { name: "n", address: sshd.host, port: sshd.port };
      const err = await transport.exec(host, "true", { env: { TOKEN: "env-secret-991" } }).catch((e: unknown) => e);
      RemoteCommandError.assert(err, { isAuthFailure: true });
      for (const text of [visible(err), logger.lines.join("\n")]) {
        expect(text).not.toContain(PASSPHRASE);
        expect(text).not.toContain(keyBody());
        expect(text).not.toContain("env-secret-991");
      }
    } finally {
      await transport.close();
    }
  });

  test("env values of a failing command are not in its error", async () => {
    await appendFile(join(sshd.dir, "authorized_keys"), await readFile(`${keyPath}.pub`));
    const transport = await SshTransport.create({ credentials: { privateKeyPath: keyPath, passphrase: PASSPHRASE } });
    try {
      const host = { name: "n", address: sshd.host, port: sshd.port };
      const err = await transport.exec(host, "exit 4", { env: { TOKEN: "env-secret-992" } }).catch((e: unknown) => e);
      RemoteCommandError.assert(err, { exitCode: 4, command: "exit 4" });
      expect(visible(err)).not.toContain("env-secret-992");
      expect(visible(err)).not.toContain(PASSPHRASE);
    } finally {
      await transport.close();
    }
  });
});
