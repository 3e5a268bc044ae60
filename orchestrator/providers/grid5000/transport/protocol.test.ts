/**
 * Protocol edge cases that a real sshd does not produce on demand, against ssh2's in-process server
 * (DESIGN.md §5): a command ended by a signal, a session closed without an exit status, a refused session.
 */
import ssh2 from "ssh2";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RemoteCommandError } from "./errors.ts";
import { quietLogger } from "./effects.ts";
import { SshTransport } from "./transport.ts";

const { Server, utils } = ssh2;

describe("SshTransport against ssh2's in-process server", () => {
  let server: InstanceType<typeof Server>;
  let transport: SshTransport;
  let host: { name: string; address: string; port: number };

  beforeAll(async () => {
    server = new Server({ hostKeys: [utils.generateKeyPairSync("ed25519").private] }, (client) => {
      client.on("authentication", (ctx) => (ctx.method === "publickey" ? ctx.accept() : ctx.reject(["publickey"])));
      client.on("session", (accept) => {
        accept().on("exec", (acceptExec, _reject, info) => {
          const channel = acceptExec();
          if (info.command.includes("die-by-signal")) {
            channel.stderr.write("dying\n");
            channel.exit("KILL", false, "");
          } else if (info.command.includes("say-ok")) {
            channel.write("ok\n");
            channel.exit(0);
          }
          channel.end();
        });
      });
      client.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = { name: "fake", address: "127.0.0.1", port: (server.address() as AddressInfo).port };
    transport = await SshTransport.create({
      credentials: { privateKey: utils.generateKeyPairSync("ed25519").private },
      effects: { logger: quietLogger },
    });
  });
  afterAll(async () => {
    await transport?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test("a plain exit 0", async () => {
    expect(await transport.exec(host, "say-ok")).toMatchObject({ exitCode: 0, stdoutTail: "ok\n", host: "fake" });
  });

  test("a command killed by a signal reports the signal, not an exit code", async () => {
    const err = await transport.exec(host, "die-by-signal").catch((e: unknown) => e);
    RemoteCommandError.assert(err, {
      signal: "SIGKILL",
      exitCode: undefined,
      message: /was killed by signal SIGKILL\./,
    });
    expect(err.stderrTail).toBe("dying\n");
  });

  test("a session that closes without an exit status is a failure, said so", async () => {
    const err = await transport.exec(host, "vanish").catch((e: unknown) => e);
    RemoteCommandError.assert(err, { exitCode: undefined, message: /closed without an exit status/ });
  });
});

describe("RemoteCommandError messages", () => {
  test("one sentence per reason, then the tails", () => {
    const err = new RemoteCommandError({
      host: "gros-3",
      command: "make",
      durationMs: 12,
      exitCode: 2,
      timedOut: true,
      timeoutMs: 10,
      stderrTail: "x".repeat(600),
      stdoutTail: "done\n",
    });
    const [first, ...rest] = err.message.split("\n");
    expect(first).toBe("`make` on gros-3 timed out after 10 ms. `make` on gros-3 exited with code 2.");
    expect(rest).toEqual(["stderr:", `…${"x".repeat(500)}`, "stdout:", "done"]);
  });

  test("withCommand keeps the flags and the cause", () => {
    const cause = new Error("connect ECONNREFUSED");
    const err = new RemoteCommandError({
      host: "h",
      command: "ssh connect",
      durationMs: 1,
      isUnreachable: true,
      cause,
    });
    const moved = err.withCommand("uptime", 5);
    expect(moved).toMatchObject({ command: "uptime", durationMs: 5, isUnreachable: true, host: "h" });
    expect(moved.cause).toBe(cause);
    expect(moved.message).toBe("h is unreachable over SSH. Cause: connect ECONNREFUSED.");
  });
});
