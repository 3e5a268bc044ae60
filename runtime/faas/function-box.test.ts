import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ProtocolError } from "../protocol/errors.ts";
import { FUNCTION_PATH, functionEnvironment, isReadableBy, passwdEntry, resolveFunctionUser } from "./function-box.ts";

const scratch = mkdtempSync(join(tmpdir(), "giraff-box-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("function box", () => {
  it("builds the environment from the allow-list only, the contract's PORT and HOST last", () => {
    const env = functionEnvironment({
      workDir: "/tmp/w",
      gatewayEnv: { PROXY_PORT: "3128" },
      envVars: { SEED: "1", NAME: "fn" },
      envProcess: "server",
    });
    expect(env).toEqual({
      PATH: FUNCTION_PATH,
      HOME: "/tmp/w",
      TMPDIR: "/tmp/w",
      PROXY_PORT: "3128",
      SEED: "1",
      NAME: "fn",
      fprocess: "server",
      PORT: "0",
      HOST: "127.0.0.1",
    });
  });

  it("refuses a deployment variable that configures the loader, naming it", () => {
    const build = () =>
      functionEnvironment({ workDir: "/w", gatewayEnv: {}, envVars: { LD_PRELOAD: "/x.so" }, envProcess: undefined });
    expect(build).toThrow(ProtocolError);
    expect(build).toThrow(/`envVars.LD_PRELOAD` must be a variable name .* got "LD_PRELOAD"/);
  });

  it("reads users from a passwd file", () => {
    const passwd = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
    expect(passwdEntry(passwd, "nobody")).toEqual({ uid: 65534, gid: 65534 });
    expect(passwdEntry(passwd, "giraff")).toBeUndefined();
  });

  it("runs functions as nobody when root, and says why not otherwise", () => {
    const passwd = () => "nobody:x:65534:65534::/:/bin/false\n";
    expect(resolveFunctionUser(["/"], { getuid: () => 0, passwd })).toEqual({ name: "nobody", uid: 65534, gid: 65534 });
    expect(resolveFunctionUser(["/"], { getuid: () => 1000, passwd }).reason).toMatch(/runs as uid 1000, not root/);
    expect(resolveFunctionUser(["/"], { getuid: () => 0, passwd: () => "" }).reason).toMatch(/no user `nobody`/);
    expect(resolveFunctionUser(["/nonexistent-giraff/index.ts"], { getuid: () => 0, passwd }).reason).toBe(
      "user nobody (uid 65534) cannot read /nonexistent-giraff/index.ts: /nonexistent-giraff does not exist",
    );
  });

  it("checks every directory above a path, as the kernel would", () => {
    // scratch is 0700 owned by this process's user: another uid cannot traverse it
    const me = process.getuid?.() ?? 0;
    const other = me + 12345;
    expect(isReadableBy(scratch, me, me)).toBeUndefined();
    expect(isReadableBy(join(scratch, "x"), other, other)).toMatch(/is mode 0700/);
  });
});
