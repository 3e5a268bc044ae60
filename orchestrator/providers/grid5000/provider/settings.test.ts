/** The provider's settings: defaults, and errors that name the variable without quoting a secret. */
import { describe, expect, it } from "vitest";
import { hostAs } from "./effects.ts";
import { grid5000Settings } from "./settings.ts";

const SHA = "ab".repeat(32);
const alice = { auth: { mode: "basic" as const, username: "alice", password: "pw" }, source: "test", warnings: [] };

describe("grid5000Settings", () => {
  it("fills the defaults of a campaign outside Grid'5000", () => {
    const s = grid5000Settings({ G5K_IMAGE_SHA256: SHA }, "gros", alice);
    expect(s).toMatchObject({
      apiUrl: "https://api.grid5000.fr/stable",
      auth: { mode: "basic", username: "alice", password: "pw" },
      site: "nancy",
      jump: "access.grid5000.fr",
      image: { path: "/home/alice/giraff/nixos.qcow2", sha256: SHA },
      vmSshPort: 22,
      vmRepo: "/opt/giraff-ts",
      // embedded until a run on Grid'5000 has shown OpenFaaS works with the images built into the VM image
      faas: "embedded",
      pollInitialMs: 5000,
      simulateHosts: undefined,
    });
    expect(s.sshResolve.size).toBe(0);
  });

  it("reads G5K_SSH_RESOLVE as name=address[:port] pairs, and names the variable and the entry when one is not", () => {
    const env = {
      G5K_IMAGE_SHA256: SHA,
      G5K_SSH_RESOLVE: "gros-1.nancy.grid5000.fr=127.139.0.1:2222, gros-2.nancy.grid5000.fr=127.139.0.2",
    };
    expect([...grid5000Settings(env, "gros", alice).sshResolve]).toEqual([
      ["gros-1.nancy.grid5000.fr", { address: "127.139.0.1", port: 2222 }],
      ["gros-2.nancy.grid5000.fr", { address: "127.139.0.2", port: 22 }],
    ]);
    // a host named in it is reached there; any other by its name, on port 22
    const s = grid5000Settings(env, "gros", alice);
    expect(hostAs(s, "alice", "gros-1.nancy.grid5000.fr")).toEqual({
      name: "alice@gros-1.nancy.grid5000.fr",
      user: "alice",
      address: "127.139.0.1",
      port: 2222,
    });
    expect(hostAs(s, "root", "gros-9.nancy.grid5000.fr")).toEqual({
      name: "root@gros-9.nancy.grid5000.fr",
      user: "root",
      address: "gros-9.nancy.grid5000.fr",
    });
    expect(() => grid5000Settings({ ...env, G5K_SSH_RESOLVE: "gros-1=localhost" }, "gros", alice)).toThrow(
      /`G5K_SSH_RESOLVE` entries as <name>=<IP address>\[:<port>\], got "gros-1=localhost"/,
    );
  });

  it("takes the key's passphrase and the ssh-agent from the process environment only", () => {
    const env = { G5K_IMAGE_SHA256: SHA, G5K_SSH_KEY: "/keys/g5k", G5K_KNOWN_HOSTS: "/keys/known_hosts" };
    const environment = { G5K_SSH_KEY_PASSPHRASE: "s3cret-pp", SSH_AUTH_SOCK: "/run/agent.sock" };
    expect(grid5000Settings(env, "gros", alice, environment)).toMatchObject({
      sshKeyPath: "/keys/g5k",
      sshKeyPassphrase: "s3cret-pp",
      sshAgent: "/run/agent.sock",
      knownHostsFile: "/keys/known_hosts",
    });
    const none = grid5000Settings({ G5K_IMAGE_SHA256: SHA }, "gros", alice, {});
    expect(none).toMatchObject({ sshKeyPassphrase: undefined, sshAgent: undefined });
    expect(none.sshKeyPath).toMatch(/\.ssh\/id_ed25519$/);
    expect(none.knownHostsFile).toMatch(/\.ssh\/known_hosts$/);
  });

  it("refuses a passphrase in the tracked .env, without quoting it", () => {
    const env = { G5K_IMAGE_SHA256: SHA, G5K_SSH_KEY_PASSPHRASE: "s3cret-pp" };
    let error: unknown;
    try {
      grid5000Settings(env, "gros", alice, {});
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toMatch(/\.env sets G5K_SSH_KEY_PASSPHRASE.*export it in the environment/);
    expect((error as Error).message).not.toContain("s3cret-pp");
  });

  it("needs no credentials and no jump host inside Grid'5000", () => {
    const s = grid5000Settings({ G5K_INSIDE: "true", G5K_IMAGE_SHA256: SHA }, "parasilo", undefined);
    expect(s).toMatchObject({ auth: { mode: "inside" }, jump: undefined, site: "rennes" });
  });

  it.each([
    [{ G5K_USER: "alice", G5K_PASSWORD: "hunter2" }, /`G5K_IMAGE_SHA256` is required/],
    [{ G5K_USER: "alice", G5K_PASSWORD: "hunter2", G5K_IMAGE_SHA256: "x" }, /`G5K_IMAGE_SHA256` to be 64 hex/],
    [{ G5K_USER: "alice", G5K_PASSWORD: "hunter2", G5K_IMAGE_SHA256: SHA, G5K_FAAS: "knative" }, /`G5K_FAAS`/],
    [{ G5K_USER: "alice", G5K_PASSWORD: "hunter2", G5K_IMAGE_SHA256: SHA, G5K_VM_SSH_PORT: "0" }, /`G5K_VM_SSH_PORT`/],
  ])("rejects %j", (env, message) => {
    let error: unknown;
    try {
      grid5000Settings(env, "gros", { ...alice, auth: { ...alice.auth, password: "hunter2" } });
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("hunter2");
  });
});
