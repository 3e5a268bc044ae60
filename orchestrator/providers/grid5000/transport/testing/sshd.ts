/**
 * Test support: a real OpenSSH `sshd` on loopback, in its own temp dir, started and stopped by the tests
 * (DESIGN.md §5). Real sshd catches what an in-process server would hide: privilege separation, session
 * process groups, `internal-sftp`, TCP forwarding rules and the log lines operators read.
 *
 * It needs `/usr/sbin/sshd` (Debian package `openssh-server`) and `ssh-keygen` (`openssh-client`). Without them,
 * `sshdSkipReason()` says why, and under `CI=true` `requireSshd()` fails instead of skipping.
 */
import { existsSync } from "node:fs";
import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { waitUntil } from "../../../../../runtime/testing/wait.ts";
import { isAlive } from "../../../../../runtime/util/is-alive.ts";

/** Runs a short command to its end; execa's error (command, exit code, stderr) is the cause of ours. */
const run = (file: string, args: string[]) => execa(file, args, { stdin: "ignore", timeout: 30_000 });
export const SSHD_PATH = "/usr/sbin/sshd";
const MISSING = `OpenSSH sshd is not installed at ${SSHD_PATH}: install the Debian package \`openssh-server\` (apt-get install -y openssh-server).`;

/** Why sshd tests cannot run here, or undefined when they can. Throws under `CI=true`, where skipping would hide gaps. */
export function sshdSkipReason(): string | undefined {
  if (existsSync(SSHD_PATH)) return undefined;
  if (process.env.CI === "true") throw new Error(MISSING);
  console.warn(`Skipping real-sshd tests. ${MISSING}`);
  return MISSING;
}

export interface SshdOptions {
  /** Loopback address to listen on (127.0.0.2 gives a second "machine" on Linux). Default 127.0.0.1. */
  listenAddress?: string;
  /** Allow `direct-tcpip` forwarding, for the jump host. Default false, as on a locked-down target. */
  allowTcpForwarding?: boolean;
  /** Reuse a client key, so one key reaches the jump host and the target. Default: a fresh key. */
  clientKeyPath?: string;
  /** sshd `LogLevel`; DEBUG1 shows forwarded connections. Default VERBOSE (one line per TCP connection). */
  logLevel?: "INFO" | "VERBOSE" | "DEBUG1";
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  /** Port to use instead of a free one (to restart an sshd on the same address). */
  port?: number;
  /** Write the config and keys but do not start; call `start()` later (for "sshd starts late" tests). */
  deferStart?: boolean;
}

export interface Sshd {
  host: string;
  port: number;
  user: "root";
  dir: string;
  clientKeyPath: string;
  hostPublicKey: string;
  logPath: string;
  /** Starts the daemon (only needed with `deferStart`) and waits until it accepts connections. */
  start(): Promise<void>;
  /** The sshd log so far. */
  log(): Promise<string>;
  /** Pids of the processes serving connections (the listener's descendants), to kill or SIGSTOP one's server side. */
  sessionPids(): Promise<number[]>;
  /** Stops the daemon and its sessions, then removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a private sshd on a free loopback port; retries with another port when the chosen one was taken. */
export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  const host = opts.listenAddress ?? "127.0.0.1";
  const dir = await mkdtemp(join(tmpdir(), "giraff-sshd-"));
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "hostkey")]);
  let clientKeyPath = opts.clientKeyPath;
  if (clientKeyPath === undefined) {
    clientKeyPath = join(dir, "clientkey");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", clientKeyPath]);
  }
  await copyFile(`${clientKeyPath}.pub`, join(dir, "authorized_keys"));
  const hostPublicKey = (await readFile(join(dir, "hostkey.pub"), "utf8")).trim();
  const pidPath = join(dir, "sshd.pid");
  const logPath = join(dir, "sshd.log");
  await appendFile(logPath, "");
  let port = opts.port ?? 0;
  let started = false;
  const sshd: Sshd = {
    host,
    port,
    user: "root",
    dir,
    clientKeyPath,
    hostPublicKey,
    logPath,
    log: () => readFile(logPath, "utf8"),
    async sessionPids() {
      const pid = Number((await readFile(pidPath, "utf8").catch(() => "")).trim());
      return pid > 0 ? descendants(pid) : [];
    },
    async start() {
      for (let attempt = 0; ; attempt++) {
        if (opts.port === undefined) sshd.port = port = await freePort(host);
        await writeFile(join(dir, "sshd_config"), config(dir, host, port, opts));
        const before = (await sshd.log()).length;
        // sshd refuses to start without its privilege-separation directory, which only the service unit creates.
        await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
        // Without -D, sshd daemonizes: execa's child is the parent that forks and exits once the listener runs, so
        // the daemon is not execa's to stop; stop() below ends it by its pid file.
        await run(SSHD_PATH, ["-f", join(dir, "sshd_config"), "-E", logPath]).catch(async (err: unknown) => {
          throw new Error(`sshd failed to start on ${host}:${port}: ${(await sshd.log()).slice(before).trim()}`, {
            cause: err,
          });
        });
        started = true;
        const outcome = await waitUntil(`sshd on ${host}:${port} to listen`, async () => {
          const tail = (await sshd.log()).slice(before);
          if (/Address already in use/.test(tail)) return "in-use";
          return (await canConnect(host, port)) && "ok";
        });
        if (outcome === "ok") return;
        if (opts.port !== undefined || attempt >= 5) throw new Error(`sshd could not bind ${host}:${port}.`);
      }
    },
    async stop() {
      if (started) {
        const pid = Number((await readFile(pidPath, "utf8").catch(() => "")).trim());
        if (pid > 0 && isAlive(pid)) {
          // The listener does not take its sessions with it: end its descendants by pid, then the listener.
          const tree = [...(await descendants(pid)), pid];
          for (const p of tree) signal(p, "SIGKILL");
          await waitUntil(`sshd ${pid} and its sessions to exit`, () => tree.every((p) => !isAlive(p)));
        }
        started = false;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (opts.deferStart !== true) {
    try {
      await sshd.start();
    } catch (err) {
      await sshd.stop();
      throw err;
    }
  }
  return sshd;
}

function config(dir: string, host: string, port: number, opts: SshdOptions): string {
  return [
    `Port ${port}`,
    `ListenAddress ${host}`,
    `HostKey ${join(dir, "hostkey")}`,
    `PidFile ${join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "StrictModes no",
    "UsePAM no",
    `AllowTcpForwarding ${opts.allowTcpForwarding === true ? "yes" : "no"}`,
    `LogLevel ${opts.logLevel ?? "VERBOSE"}`,
    "MaxStartups 100:30:200",
    "Subsystem sftp internal-sftp",
    ...(opts.extraConfig ?? []),
    "",
  ].join("\n");
}

/** A port that was free a moment ago: bind port 0, read it, release it. The caller retries on EADDRINUSE. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Pids below `root` in the process tree, read from /proc (Linux), children before parents' siblings. */
async function descendants(root: number): Promise<number[]> {
  const parentOf = new Map<number, number>();
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the parenthesised command name: state, ppid, ...
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields.length > 1) parentOf.set(Number(entry), Number(fields[1]));
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
