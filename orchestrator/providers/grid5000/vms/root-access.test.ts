import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { GRANT_ROOT_COMMAND, ROOT_CHECK_COMMAND } from "./commands.ts";
import { isVmError } from "./errors.ts";
import { FakeExec } from "./testing/fake-exec.ts";
import { grantRootOnHosts } from "./root-access.ts";

const HOSTS = ["gros-1.nancy.grid5000.fr", "gros-2.nancy.grid5000.fr"];
const KEYS = "ssh-ed25519 AAAAC3Nza-login alice@frontend\n";

/** The three logins of a host, recorded in one shared list so their order shows. */
function hostsWorld(root: Error | string = "0\n") {
  const order: string[] = [];
  const as = (who: string) =>
    new FakeExec().on(/.*/, ({ host, command }) => {
      order.push(`${who}@${host.split(".")[0]}: ${command.split("\n")[0]!.slice(0, 40)}`);
      if (command === ROOT_CHECK_COMMAND) return root instanceof Error ? root : { stdoutTail: root };
      if (command.startsWith("cat ~/.ssh")) return { stdoutTail: KEYS };
      return {};
    });
  return { order, effects: { loginExec: as("login"), rootExec: as("root"), exec: as("system") } };
}

describe("grantRootOnHosts", () => {
  it("runs sudo-g5k as the login, checks root, then bind-mounts libvirt's directory, on every host", async () => {
    const { order, effects } = hostsWorld();
    expect(await grantRootOnHosts(effects, HOSTS, { concurrency: 1 })).toBe(KEYS);
    expect(order).toEqual([
      "login@gros-1: keys=$(sudo-g5k cat /root/.ssh/authorize",
      "root@gros-1: id -u",
      "system@gros-1: mkdir -p /tmp/giraff-vms /var/lib/libvir",
      "login@gros-2: keys=$(sudo-g5k cat /root/.ssh/authorize",
      "root@gros-2: id -u",
      "system@gros-2: mkdir -p /tmp/giraff-vms /var/lib/libvir",
      "login@gros-1: cat ~/.ssh/authorized_keys",
    ]);
    expect(effects.exec.calls[0]!.command).toContain(
      "mountpoint -q /var/lib/libvirt/images/giraff-vms || { mount --bind /tmp/giraff-vms /var/lib/libvirt/images/giraff-vms && systemctl restart libvirtd; }",
    );
  });

  it("stops with a no-root VmError naming sudo-g5k when root still cannot log in", async () => {
    const { effects } = hostsWorld(new Error("root@gros-1.nancy.grid5000.fr refused the key (publickey)."));
    const err = await grantRootOnHosts(effects, HOSTS.slice(0, 1)).catch((e: unknown) => e);
    expect(isVmError(err) && err.reason).toBe("no-root");
    expect((err as Error).message).toMatch(
      /^Root cannot log in to gros-1\.nancy\.grid5000\.fr after sudo-g5k appended the login's keys to \/root\/\.ssh\/authorized_keys: root@gros-1/,
    );
    expect(effects.exec.calls).toEqual([]);
  });
});

// The grant is plain sh + grep, so it runs here for real, with a `sudo-g5k` stand-in that runs its arguments with
// /root/.ssh/authorized_keys mapped to a file of the test.
describe("GRANT_ROOT_COMMAND under sh", () => {
  const dir = mkdtempSync(join(tmpdir(), "giraff-grant-"));
  const home = join(dir, "home");
  const rootKeys = join(dir, "root_authorized_keys");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  mkdirSync(join(dir, "bin"));
  writeFileSync(
    join(dir, "bin", "sudo-g5k"),
    `#!/bin/sh\nfor a; do shift; [ "$a" = /root/.ssh/authorized_keys ] && a=${rootKeys}; set -- "$@" "$a"; done\nexec "$@"\n`,
  );
  chmodSync(join(dir, "bin", "sudo-g5k"), 0o755);
  const grant = () =>
    execaSync("sh", ["-c", GRANT_ROOT_COMMAND], {
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, HOME: home },
      extendEnv: false,
    });

  it("appends the login's keys once, skipping blank and comment lines, and adds only new ones later", () => {
    writeFileSync(
      join(home, ".ssh", "authorized_keys"),
      "# mine\nssh-ed25519 AAAA1 a@laptop\n\nssh-ed25519 AAAA2 a@frontend\n",
    );
    grant();
    grant();
    expect(readFileSync(rootKeys, "utf8")).toBe("ssh-ed25519 AAAA1 a@laptop\nssh-ed25519 AAAA2 a@frontend\n");
    writeFileSync(join(home, ".ssh", "authorized_keys"), "ssh-ed25519 AAAA2 a@frontend\nssh-ed25519 AAAA3 a@new\n");
    grant();
    expect(readFileSync(rootKeys, "utf8")).toBe(
      "ssh-ed25519 AAAA1 a@laptop\nssh-ed25519 AAAA2 a@frontend\nssh-ed25519 AAAA3 a@new\n",
    );
  });
});
