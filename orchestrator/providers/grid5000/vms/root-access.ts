/**
 * Root on the hosts of a job without the `deploy` type (grid5000.md §2.1–2.2): nobody is root there, and the
 * standard environment lets the login become root with `sudo-g5k`. Per host, in order:
 *
 *   as the login ─► sudo-g5k appends the login's keys to root's (GRANT_ROOT_COMMAND, idempotent)
 *   as root      ─► `id -u` prints 0 (the root login works: a failed grant stops here, naming sudo-g5k)
 *   as root      ─► the working directory bind-mounted under /var/lib/libvirt/images, libvirtd restarted
 *
 * The three are separate effects because they are separate logins: `loginExec` connects as the Grid'5000 login,
 * `rootExec` as root, always over SSH; `exec` runs root's system commands (over SSH, or a simulation in tests).
 */
import pLimit from "p-limit";
import { GRANT_ROOT_COMMAND, READ_LOGIN_KEYS_COMMAND, ROOT_CHECK_COMMAND, libvirtDirCommand } from "./commands.ts";
import { assertOk, VmError } from "./errors.ts";
import type { RemoteExec, RunOptions } from "./exec.ts";
import { DEFAULT_LAYOUT, type HostLayout } from "./spec.ts";

export interface RootAccessEffects {
  loginExec: RemoteExec;
  rootExec: RemoteExec;
  exec: RemoteExec;
}

export interface RootAccessOptions extends RunOptions {
  layout?: HostLayout;
  concurrency?: number;
  log?: (line: string) => void;
}

/**
 * Gives root the login's keys on every host and prepares libvirt's disk directory; resolves to the login's
 * `authorized_keys` (read on the first host: the home is the site's NFS home, the same on every host), which the
 * VMs' root gets too.
 */
export async function grantRootOnHosts(
  effects: RootAccessEffects,
  hosts: readonly string[],
  options: RootAccessOptions = {},
): Promise<string> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const opts: RunOptions = {};
  if (options.timeoutMs !== undefined) opts.timeoutMs = options.timeoutMs;
  if (options.signal !== undefined) opts.signal = options.signal;
  const run = async (exec: RemoteExec, host: string, command: string, what: string) =>
    assertOk(host, command, await exec.exec(host, command, opts), what);
  const limit = pLimit(options.concurrency ?? 100);
  const settled = await Promise.allSettled(
    hosts.map((host) =>
      limit(async () => {
        await run(effects.loginExec, host, GRANT_ROOT_COMMAND, "give root the login's keys with sudo-g5k");
        const uid = await effects.rootExec.exec(host, ROOT_CHECK_COMMAND, opts).catch((err: unknown) => err as Error);
        if (uid instanceof Error || uid.exitCode !== 0 || uid.stdoutTail.trim() !== "0") {
          throw new VmError({
            reason: "no-root",
            message:
              `Root cannot log in to ${host} after sudo-g5k appended the login's keys to /root/.ssh/authorized_keys` +
              (uid instanceof Error
                ? `: ${uid.message.split("\n")[0]}`
                : ` (\`id -u\` printed ${JSON.stringify(uid.stdoutTail.trim())}).`),
            host,
            command: ROOT_CHECK_COMMAND,
            ...(uid instanceof Error ? { cause: uid } : { outcome: uid }),
          });
        }
        await run(effects.exec, host, libvirtDirCommand(layout), "bind-mount the VM directory for libvirt");
        options.log?.(`${host}: root through sudo-g5k, ${layout.libvirtDir} mounted`);
      }),
    ),
  );
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as Error] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new VmError({
      reason: "no-root",
      message: `${failures.length} of ${hosts.length} hosts gave no root: ${failures
        .slice(0, 5)
        .map((f) => f.message.split("\n")[0])
        .join(" ")}`,
      failures: failures.filter((f): f is VmError => f instanceof VmError),
      cause: failures[0],
    });
  }
  const keys = await run(effects.loginExec, hosts[0]!, READ_LOGIN_KEYS_COMMAND, "read the login's SSH keys");
  return keys.stdoutTail;
}
