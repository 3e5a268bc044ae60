import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { waitUntil } from "../../../../runtime/testing/wait.ts";
import { isAlive } from "../../../../runtime/util/is-alive.ts";
import { RemoteCommandError } from "./errors.ts";
import { freePort, sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { RecordingLogger } from "./testing/recording-logger.ts";
import type { SshTransportOptions } from "./options.ts";
import { transportTo } from "./testing/transport-to.ts";
import type { SshTransport } from "./transport.ts";

const skip = sshdSkipReason();

describe.skipIf(skip !== undefined)("SshTransport.exec against a real sshd", () => {
  let sshd: Sshd;
  let transport: SshTransport;
  let host: { name: string; address: string; port: number };
  const logger = new RecordingLogger();
  const make = (opts: Partial<SshTransportOptions> = {}) => transportTo(sshd, { effects: { logger }, ...opts });

  beforeAll(async () => {
    sshd = await startSshd();
    host = { name: "node-1", address: sshd.host, port: sshd.port };
    transport = await make();
  });
  afterAll(async () => {
    await transport?.close();
    await sshd?.stop();
  });

  test("returns exit 0 results with stdout and stderr tails", async () => {
    const result = await transport.exec(host, "echo out; echo err >&2");
    expect(result).toMatchObject({ host: "node-1", exitCode: 0, stdoutTail: "out\n", stderrTail: "err\n" });
    expect(result.signal).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  test("a non-zero exit is a RemoteCommandError with the code and both tails", async () => {
    const err = await transport.exec(host, "echo partial; echo boom >&2; exit 3").catch((e: unknown) => e);
    RemoteCommandError.assert(err, {
      message: /exited with code 3\.[\s\S]*stderr:\nboom/,
      exitCode: 3,
      host: "node-1",
    });
    expect(err.stdoutTail).toBe("partial\n");
    expect(err.command).toBe("echo partial; echo boom >&2; exit 3");
  });

  test("keeps only the last tailBytes of a long output", async () => {
    const small = await make({ tailBytes: 10 });
    try {
      const result = await small.exec(host, "seq 1 1000");
      expect(result.stdoutTail).toBe("\n999\n1000\n".slice(-10));
    } finally {
      await small.close();
    }
  });

  test("exports env (quoted) and feeds stdin", async () => {
    const env = { GREETING: "it's a 'test' $HOME" };
    expect((await transport.exec(host, 'printf %s "$GREETING"', { env })).stdoutTail).toBe(env.GREETING);
    expect((await transport.exec(host, "wc -c", { stdin: "hello" })).stdoutTail.trim()).toBe("5");
    // Without stdin, stdin is at EOF, so readers do not hang.
    expect((await transport.exec(host, "cat")).stdoutTail).toBe("");
  });

  test("a timeout fails with timedOut and kills the remote process tree", async () => {
    const pidFile = join(sshd.dir, "timeout.pid");
    const err = await transport
      .exec(host, `sleep 301.5 & echo $! > ${pidFile}; wait`, { timeoutMs: 3_000 })
      .catch((e: unknown) => e);
    RemoteCommandError.assert(err, { timedOut: true, isCanceled: false, message: /timed out after 3000 ms/ });
    const pid = Number(await readFile(pidFile, "utf8"));
    await waitUntil("the remote sleep to be killed", () => !isAlive(pid));
    const left = await transport.exec(host, "pgrep -f 'slee[p] 301.5' || true");
    expect(left.stdoutTail).toBe("");
  });

  test("an AbortSignal cancels the command and kills it", async () => {
    const pidFile = join(sshd.dir, "abort.pid");
    const controller = new AbortController();
    const running = transport.exec(host, `sleep 302.5 & echo $! > ${pidFile}; wait`, { signal: controller.signal });
    const pid = await waitUntil("the remote pid file", async () => Number(await readFile(pidFile, "utf8")) || false);
    controller.abort(new Error("user pressed ^C"));
    const err = await running.catch((e: unknown) => e);
    RemoteCommandError.assert(err, { isCanceled: true, timedOut: false, message: /was canceled/ });
    await waitUntil("the remote sleep to be killed", () => !isAlive(pid));
  });

  test("an aborted signal fails at once", async () => {
    const err = await transport.exec(host, "true", { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    RemoteCommandError.assert(err, { isCanceled: true });
  });

  test("a closed port is isUnreachable", async () => {
    const closed = { name: "gone", address: "127.0.0.1", port: await freePort() };
    const err = await transport.exec(closed, "true").catch((e: unknown) => e);
    RemoteCommandError.assert(err, { isUnreachable: true, isAuthFailure: false, host: "gone", command: "true" });
    expect(err.message).toMatch(/gone is unreachable over SSH\. Cause: .*ECONNREFUSED/);
  });

  test("a key the server does not know is isAuthFailure", async () => {
    const other = await startSshd({ deferStart: true });
    const stranger = await make({ credentials: { privateKeyPath: other.clientKeyPath } });
    try {
      const err = await stranger.exec(host, "true").catch((e: unknown) => e);
      RemoteCommandError.assert(err, { isAuthFailure: true, isUnreachable: false, message: /rejected the SSH key/ });
    } finally {
      await stranger.close();
      await other.stop();
    }
  });

  test("reuses one TCP connection for many commands on a host", async () => {
    const fresh = await make();
    const accepted = async () => ((await sshd.log()).match(/Accepted publickey for root/g) ?? []).length;
    try {
      const before = await accepted();
      for (let i = 0; i < 5; i++) await fresh.exec(host, `echo ${i}`);
      await Promise.all([1, 2, 3].map((i) => fresh.exec(host, `echo ${i}`)));
      expect(await accepted()).toBe(before + 1);
      expect(fresh.connections).toBe(1);
    } finally {
      await fresh.close();
    }
    expect(fresh.connections).toBe(0);
  });

  test("host keys: accept-new records the key, strict rejects unknown and changed keys", async () => {
    const knownHosts = new Map<string, string>();
    const learner = await make({ knownHosts });
    await learner.exec(host, "true");
    await learner.close();
    const key = `[${sshd.host}]:${sshd.port}`;
    expect(knownHosts.get(key)).toBe(sshd.hostPublicKey.split(" ").slice(0, 2).join(" "));

    const strangers = await make({ hostKeyPolicy: "strict" });
    const unknown = await strangers.exec(host, "true").catch((e: unknown) => e);
    RemoteCommandError.assert(unknown, { isHostKeyRejected: true, message: /not in the known hosts/ });
    await strangers.close();

    const changed = await make({
      knownHosts: new Map([[key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]]),
    });
    const err = await changed.exec(host, "true").catch((e: unknown) => e);
    RemoteCommandError.assert(err, { isHostKeyRejected: true, message: /host key of .* changed: known SHA256:/ });
    await changed.close();
  });
});
