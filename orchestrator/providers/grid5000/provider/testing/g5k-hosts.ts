/**
 * Test support: Grid'5000 hosts as the provider meets them in a job without the `deploy` type, served by the real
 * sshd of `transport/testing/sshd.ts` (its `extraConfig`). Each host is a loopback address where
 *
 * - the Grid'5000 login logs in with the test's key (its "NFS home" `~/.ssh/authorized_keys` holds it);
 * - root is refused: root's `authorized_keys` on that address starts empty;
 * - `sudo-g5k` (a stand-in on the login's PATH, no real privilege) runs its arguments with
 *   `/root/.ssh/authorized_keys` meaning the root keys of the address the session came in on
 *   (`$SSH_CONNECTION`), so after `… | sudo-g5k tee -a /root/.ssh/authorized_keys` root logs in to that host only.
 *
 * The login must be a system user for sshd: it is created once (`useradd --system`, no home, no password) when
 * missing, and kept, as tests in parallel may use it. Needs root, as the sshd tests do. Its password is `*`
 * (no password matches it; sshd refuses a locked `!` account even with a key), its home /nonexistent.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

export interface G5kHosts {
  dir: string;
  login: string;
  /** sshd_config lines: the hosts' ListenAddress lines, then the Match blocks (put them last). */
  extraConfig: string[];
  /** Gives the login the keys of `publicKeyPath` (its home's authorized_keys). */
  authorizeLogin(publicKeyPath: string): Promise<void>;
  /** Root's authorized_keys on the host at `address`, as sudo-g5k left it. */
  rootKeys(address: string): Promise<string>;
  /** One line per sudo-g5k call: `<address> <arguments>`. */
  sudoLog(): Promise<string>;
  close(): Promise<void>;
}

export async function prepareG5kHosts(opts: { login: string; addresses: string[] }): Promise<G5kHosts> {
  const { login, addresses } = opts;
  await ensureSystemUser(login);
  const dir = await mkdtemp(join(tmpdir(), "giraff-g5k-hosts-"));
  // the login (not root) reads its keys, runs the stand-in and writes root's keys: every level must let it through
  await chmod(dir, 0o711);
  for (const sub of ["home", "home/.ssh", "bin", "root"]) await mkdir(join(dir, sub), { mode: 0o755 });
  await chmod(join(dir, "root"), 0o777);
  await writeFile(join(dir, "home/.ssh/authorized_keys"), "", { mode: 0o644 });
  for (const a of addresses) {
    await writeFile(join(dir, "root", a), "");
    await chmod(join(dir, "root", a), 0o666);
  }
  await writeFile(join(dir, "sudo.log"), "");
  await chmod(join(dir, "sudo.log"), 0o666);
  const rootDir = join(dir, "root");
  await writeFile(
    join(dir, "bin", "sudo-g5k"),
    [
      "#!/bin/sh",
      "# sudo-g5k stand-in: /root/.ssh/authorized_keys is the root keys of the host this session came in on",
      'set -- "$@"; host=$(echo "$SSH_CONNECTION" | cut -d" " -f3)',
      `echo "$host $*" >> ${join(dir, "sudo.log")}`,
      `for a; do shift; [ "$a" = /root/.ssh/authorized_keys ] && a=${rootDir}/$host; set -- "$@" "$a"; done`,
      'exec "$@"',
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const extraConfig = [
    ...addresses.map((a) => `ListenAddress ${a}`),
    `Match User ${login}`,
    `  AuthorizedKeysFile ${join(dir, "home/.ssh/authorized_keys")}`,
    `  SetEnv HOME=${join(dir, "home")} PATH=${join(dir, "bin")}:/usr/local/bin:/usr/bin:/bin`,
    ...addresses.flatMap((a) => [`Match User root LocalAddress ${a}`, `  AuthorizedKeysFile ${join(rootDir, a)}`]),
  ];
  return {
    dir,
    login,
    extraConfig,
    authorizeLogin: async (path) =>
      writeFile(join(dir, "home/.ssh/authorized_keys"), await readFile(`${path}.pub`, "utf8")),
    rootKeys: (address) => readFile(join(rootDir, address), "utf8"),
    sudoLog: () => readFile(join(dir, "sudo.log"), "utf8"),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Whether the system knows the user `name` (`id -u` answers 0). */
async function userExists(name: string): Promise<boolean> {
  const { exitCode } = await execa("id", ["-u", name], { reject: false, stdin: "ignore" });
  return exitCode === 0;
}

async function ensureSystemUser(name: string): Promise<void> {
  if (await userExists(name)) return;
  // password `*`: none can match, and the account is not locked (sshd refuses a locked `!` account even by key)
  const args = ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh", "--password", "*"];
  await execa("useradd", [...args, name], { stdin: "ignore" }).catch(async (err: unknown) => {
    // a parallel test may have created it meanwhile
    if (!(await userExists(name))) {
      throw new Error(`Could not create the system user ${name} the Grid'5000 host tests log in as.`, { cause: err });
    }
  });
}
