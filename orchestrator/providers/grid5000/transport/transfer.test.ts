import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RemoteCommandError } from "./errors.ts";
import { freePort, sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { transportTo } from "./testing/transport-to.ts";
import type { SshTransport } from "./transport.ts";

const skip = sshdSkipReason();
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe.skipIf(skip !== undefined)("SshTransport put/get against a real sshd", () => {
  let sshd: Sshd;
  let transport: SshTransport;
  let local: string;
  let host: { name: string; address: string; port: number };

  beforeAll(async () => {
    sshd = await startSshd();
    host = { name: "node-1", address: sshd.host, port: sshd.port };
    local = await mkdtemp(join(tmpdir(), "giraff-transfer-"));
    transport = await transportTo(sshd);
  });
  afterAll(async () => {
    await transport?.close();
    await sshd?.stop();
    if (local !== undefined) await rm(local, { recursive: true, force: true });
  });

  test("put then get round-trips 3 MB byte for byte, keeping the mode bits", async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const source = join(local, "payload.bin");
    await writeFile(source, data, { mode: 0o750 });
    const remote = join(sshd.dir, "payload.bin");
    const put = await transport.put(host, source, remote);
    expect(put).toMatchObject({ host: "node-1", bytes: data.length, mode: 0o750 });
    const remoteSum = await transport.exec(host, `sha256sum ${remote} | cut -d' ' -f1; stat -c %a ${remote}`);
    expect(remoteSum.stdoutTail).toBe(`${sha256(data)}\n750\n`);

    await transport.exec(host, `chmod 604 ${remote}`);
    const back = join(local, "back.bin");
    expect(await transport.get(host, remote, back)).toMatchObject({ bytes: data.length, mode: 0o604 });
    expect(sha256(await readFile(back))).toBe(sha256(data));
    expect((await stat(back)).mode & 0o777).toBe(0o604);
  });

  test("put writes a buffer with the given mode", async () => {
    const remote = join(sshd.dir, "run.sh");
    await transport.put(host, Buffer.from("#!/bin/sh\necho ran\n"), remote, { mode: 0o700 });
    expect((await transport.exec(host, remote)).stdoutTail).toBe("ran\n");
  });

  test("a missing remote file is a RemoteCommandError naming the transfer", async () => {
    const err = await transport.get(host, "/nonexistent/file", join(local, "x")).catch((e: unknown) => e);
    RemoteCommandError.assert(err, { host: "node-1", message: /`sftp get \/nonexistent\/file → .*` on node-1/ });
    expect(err.detail).toMatch(/No such file/);
  });

  test("syncDir pushes and pulls a tree with rsync", async () => {
    const tree = join(local, "tree");
    await mkdir(join(tree, "sub"), { recursive: true });
    await writeFile(join(tree, "a.txt"), "alpha");
    await writeFile(join(tree, "sub", "b.txt"), "beta");
    const remote = join(sshd.dir, "synced");
    await transport.syncDir(host, tree, remote);
    expect((await transport.exec(host, `cat ${remote}/a.txt ${remote}/sub/b.txt`)).stdoutTail).toBe("alphabeta");
    const pulled = join(local, "pulled");
    await transport.syncDir(host, pulled, remote, { direction: "pull" });
    expect(await readFile(join(pulled, "sub", "b.txt"), "utf8")).toBe("beta");
  });

  test("syncDir's failures keep their reason: unreachable (rsync's exit 255 and stderr), canceled, not started", async () => {
    const tree = join(local, "tree-failing");
    await mkdir(tree, { recursive: true });
    const closed = { ...host, port: await freePort(sshd.host) };
    const unreachable = await transport.syncDir(closed, tree, "/tmp/unused").catch((e: unknown) => e);
    RemoteCommandError.assert(unreachable, { isUnreachable: true, exitCode: 255, timedOut: false, host: "node-1" });
    expect(unreachable.stderrTail).toMatch(/Connection refused/);
    expect(unreachable.cause).toBeInstanceOf(Error);

    const aborted = AbortSignal.abort(new Error("stop"));
    const canceled = await transport.syncDir(host, tree, "/tmp/unused", { signal: aborted }).catch((e: unknown) => e);
    RemoteCommandError.assert(canceled, { isCanceled: true, isUnreachable: false, exitCode: undefined });
    // one reason only (rsync's own answer to the SIGTERM, if it had time to give one, is only its stderr tail)
    expect(canceled.message.split("\n")[0]).toMatch(/^`rsync -az .*` on node-1 was canceled after \d+ ms\.$/);
  });
});
