/** The API login: environment first, then ~/.python-grid5000.yaml; never the tracked .env; no password in a message. */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import { grid5000Credentials, PYTHON_GRID5000_FILE, readPythonGrid5000Yaml } from "./credentials.ts";

const SECRET = "tr0ub4dor&3";
const yaml = (text: string, mode = 0o100600) => ({ path: "/home/alice/.python-grid5000.yaml", text, mode });

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("grid5000Credentials", () => {
  it("takes the environment first, with the login from the environment or the campaign", () => {
    const c = grid5000Credentials({
      campaign: { G5K_USER: "alice" },
      environment: { G5K_PASSWORD: SECRET },
      pythonGrid5000: yaml(`username: bob\npassword: other\n`),
    });
    expect(c).toMatchObject({ auth: { username: "alice", password: SECRET }, source: "the environment", warnings: [] });
  });

  it("reads python-grid5000's file, as EnOSlib does", () => {
    const c = grid5000Credentials({
      campaign: {},
      environment: {},
      pythonGrid5000: yaml(`username: alice\npassword: "${SECRET}"\nverify_ssl: true\n`),
    });
    expect(c).toMatchObject({ auth: { mode: "basic", username: "alice", password: SECRET }, warnings: [] });
    expect(c.source).toContain(PYTHON_GRID5000_FILE);
  });

  it("ignores a password in the tracked .env, with a warning that says where it belongs", () => {
    const c = grid5000Credentials({
      campaign: { G5K_USER: "alice", G5K_PASSWORD: "leaked" },
      environment: {},
      pythonGrid5000: yaml(`username: alice\npassword: ${SECRET}\n`),
    });
    expect(c.auth.password).toBe(SECRET);
    expect(c.warnings.join("\n")).toMatch(/\.env sets G5K_PASSWORD; it is ignored.*python-grid5000\.yaml/);
    expect(c.warnings.join("\n")).not.toContain("leaked");
    const none = failure(() =>
      grid5000Credentials({
        campaign: { G5K_USER: "alice", G5K_PASSWORD: "leaked" },
        environment: {},
        pythonGrid5000: undefined,
      }),
    );
    expect(none.field).toBe("G5K_PASSWORD");
    expect(none.message).toMatch(/No Grid'5000 login: set G5K_USER and G5K_PASSWORD in the environment, or write/);
    expect(none.message).not.toContain("leaked");
  });

  it("warns when the file can be read by others, and never quotes a password from a broken file", () => {
    const open = grid5000Credentials({
      campaign: {},
      environment: {},
      pythonGrid5000: yaml(`username: alice\npassword: ${SECRET}\n`, 0o100644),
    });
    expect(open.warnings.join("\n")).toMatch(/can be read by other users \(mode 644\): chmod 600/);
    for (const text of [
      `username: alice\npassword: "${SECRET}\n`,
      `username: alice\n  password: ${SECRET}\n: x`,
      "username: alice\n",
    ]) {
      const err = failure(() => grid5000Credentials({ campaign: {}, environment: {}, pythonGrid5000: yaml(text) }));
      expect(err.message).toMatch(/python-grid5000 expects `username: <login>` and `password: <password>`/);
      expect(err.message).not.toContain(SECRET);
    }
    const noUser = failure(() =>
      grid5000Credentials({ campaign: {}, environment: { G5K_PASSWORD: SECRET }, pythonGrid5000: undefined }),
    );
    expect(noUser.field).toBe("G5K_USER");
    expect(noUser.message).not.toContain(SECRET);
  });

  it("reads the real file with its mode, and answers undefined when there is none", () => {
    const home = mkdtempSync(join(tmpdir(), "giraff-home-"));
    expect(readPythonGrid5000Yaml(home)).toBeUndefined();
    writeFileSync(join(home, PYTHON_GRID5000_FILE), `username: alice\npassword: ${SECRET}\n`);
    chmodSync(join(home, PYTHON_GRID5000_FILE), 0o600);
    const file = readPythonGrid5000Yaml(home)!;
    expect(file.mode & 0o777).toBe(0o600);
    expect(grid5000Credentials({ campaign: {}, environment: {}, pythonGrid5000: file }).auth.username).toBe("alice");
  });
});
