/** The API settings' TLS rules: `G5K_API_URL` must be HTTPS (plain HTTP on loopback only), `G5K_API_CA` a PEM file. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { grid5000Settings } from "./settings.ts";

const SHA = "ab".repeat(32);
const alice = {
  auth: { mode: "basic" as const, username: "alice", password: "hunter2" },
  source: "test",
  warnings: [],
};
const dir = mkdtempSync(join(tmpdir(), "giraff-g5k-settings-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (env: Record<string, string>) => grid5000Settings({ G5K_IMAGE_SHA256: SHA, ...env }, "gros", alice);
const refusal = (env: Record<string, string>) => {
  try {
    settings(env);
  } catch (err) {
    return err as Error & { field?: string };
  }
  return expect.fail("expected a ConfigError");
};

describe("grid5000Settings: TLS", () => {
  it("refuses a plain-HTTP G5K_API_URL that is not loopback, naming the variable and not the password", () => {
    const err = refusal({ G5K_API_URL: "http://api.grid5000.fr/stable" });
    expect(err.field).toBe("G5K_API_URL");
    expect(err.message).toMatch(/`G5K_API_URL` is refused: .*plain HTTP.*password in clear.*use https:\/\//);
    expect(err.message).not.toContain("hunter2");
  });

  it("accepts HTTPS anywhere and plain HTTP on loopback (a tunnel, the fake)", () => {
    expect(settings({}).apiUrl).toBe("https://api.grid5000.fr/stable");
    expect(settings({ G5K_API_URL: "http://127.0.0.1:8443/stable" }).apiUrl).toBe("http://127.0.0.1:8443/stable");
    expect(settings({}).apiCa).toBeUndefined();
  });

  it("reads G5K_API_CA at the boundary: a PEM file, or an error naming the variable", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    writeFileSync(join(dir, "ca.pem"), pem);
    writeFileSync(join(dir, "not-a-ca.txt"), "hello");
    expect(settings({ G5K_API_CA: join(dir, "ca.pem") }).apiCa).toBe(pem);
    expect(refusal({ G5K_API_CA: join(dir, "missing.pem") })).toMatchObject({
      field: "G5K_API_CA",
      message: expect.stringMatching(/Could not read `G5K_API_CA`/),
    });
    expect(refusal({ G5K_API_CA: join(dir, "not-a-ca.txt") }).message).toMatch(/to be a PEM file of CA certificates/);
  });
});
