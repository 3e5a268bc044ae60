/**
 * Directory sync with `rsync -e ssh`, for trees where SFTP file-by-file would be slow (images, `~/enosvm/`,
 * metrics archives). It goes through the same jump host as the SSH connections, with an OpenSSH `ProxyCommand`
 * (`ssh -W %h:%p` on the jump host) rather than `-J`, because `-J` does not pass `-i` to the jump connection.
 * The key and the known hosts are written to a private temp dir for the duration of the call. execa runs rsync
 * (time limit, cancel signal, killed if this process exits) and its one error shape becomes a RemoteCommandError.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type Result } from "execa";
import type { Endpoint } from "./connect.ts";
import { RemoteCommandError } from "./errors.ts";
import { knownHostsFile } from "./host-keys.ts";
import { TailBuffer } from "./tail.ts";
import type { HostKeyPolicy, KnownHosts } from "./types.ts";

export interface RsyncSettings {
  /** Without it, OpenSSH uses the agent (`SSH_AUTH_SOCK`, passed on in the environment). */
  privateKey: Buffer | undefined;
  agent?: string | undefined;
  hostKeyPolicy: HostKeyPolicy;
  knownHosts: KnownHosts;
  jump: Endpoint | undefined;
  connectTimeoutMs: number;
}

export interface SyncDirOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Delete remote files that are not in `localDir` (rsync `--delete`). Default false. */
  delete?: boolean;
  /** `pull` copies `remoteDir` into `localDir` instead. Default `push`. */
  direction?: "push" | "pull";
}

/** Syncs the contents of `localDir` to `remoteDir` on `target` (or back, with `direction: "pull"`). */
export async function rsyncDir(
  target: Endpoint,
  localDir: string,
  remoteDir: string,
  settings: RsyncSettings,
  opts: SyncDirOptions,
): Promise<{ durationMs: number; stdoutTail: string }> {
  const dir = await mkdtemp(join(tmpdir(), "giraff-rsync-"));
  const started = performance.now();
  try {
    const keyPath = join(dir, "key");
    const knownPath = join(dir, "known_hosts");
    if (settings.privateKey !== undefined) await writeFile(keyPath, settings.privateKey, { mode: 0o600 });
    await writeFile(knownPath, knownHostsFile(settings.knownHosts), { mode: 0o600 });
    const common = sshOptions(keyPath, knownPath, settings);
    const proxy =
      settings.jump === undefined
        ? []
        : [
            `-o "ProxyCommand=ssh ${common.join(" ")} -p ${settings.jump.port} -W %h:%p ${settings.jump.user}@${settings.jump.address}"`,
          ];
    const ssh = ["ssh", ...common, "-p", String(target.port), ...proxy].join(" ");
    const remote = `${target.user}@${target.address}:${remoteDir.replace(/\/?$/, "/")}`;
    const local = localDir.replace(/\/?$/, "/");
    const [from, to] = opts.direction === "pull" ? [remote, local] : [local, remote];
    const args = ["-az", ...(opts.delete === true ? ["--delete"] : []), "-e", ssh, from, to];
    const command = `rsync -az ${from} ${to}`;
    const env = settings.agent === undefined ? process.env : { ...process.env, SSH_AUTH_SOCK: settings.agent };
    return await runRsync(args, { host: target.name, command, started, env, ...opts });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sshOptions(keyPath: string, knownPath: string, settings: RsyncSettings): string[] {
  for (const path of [keyPath, knownPath]) {
    if (/\s/.test(path))
      throw new Error(`Expected a temp dir without spaces for rsync's ssh options, got \`${path}\`.`);
  }
  const strict = { "accept-new": "accept-new", strict: "yes", off: "no" }[settings.hostKeyPolicy];
  return [
    ...(settings.privateKey === undefined ? [] : [`-i ${keyPath}`, "-o IdentitiesOnly=yes"]),
    "-o BatchMode=yes",
    `-o StrictHostKeyChecking=${strict}`,
    `-o UserKnownHostsFile=${settings.hostKeyPolicy === "off" ? "/dev/null" : knownPath}`,
    `-o ConnectTimeout=${Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000))}`,
  ];
}

async function runRsync(
  args: string[],
  opts: SyncDirOptions & { host: string; command: string; started: number; env: NodeJS.ProcessEnv },
): Promise<{ durationMs: number; stdoutTail: string }> {
  const stdout = new TailBuffer(16 * 1024);
  const stderr = new TailBuffer(16 * 1024);
  const child = execa("rsync", args, {
    stdin: "ignore",
    // only the tails are kept, for the error message: a large transfer's listing is not held in memory
    buffer: false,
    reject: false,
    env: opts.env,
    timeout: opts.timeoutMs,
    cancelSignal: opts.signal,
    cleanup: true,
  });
  child.stdout.on("data", (c: Buffer) => stdout.push(c));
  child.stderr.on("data", (c: Buffer) => stderr.push(c));
  const result = await child;
  const durationMs = Math.round(performance.now() - opts.started);
  if (!result.failed) return { durationMs, stdoutTail: stdout.toString() };
  throw rsyncError(result, child.pid === undefined, {
    host: opts.host,
    command: opts.command,
    durationMs,
    stdoutTail: stdout.toString(),
    stderrTail: stderr.toString(),
    timeoutMs: opts.timeoutMs,
  });
}

/** execa's failed result, in the transport's terms: could not start, canceled, timed out, unreachable or exited. */
function rsyncError(
  result: Result,
  notStarted: boolean,
  base: {
    host: string;
    command: string;
    durationMs: number;
    stdoutTail: string;
    stderrTail: string;
    timeoutMs: number;
  },
): RemoteCommandError {
  const { timeoutMs, ...fields } = base;
  if (notStarted) {
    const missing = (result.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    const detail = missing ? "rsync is not installed on this machine." : `rsync could not start.`;
    return new RemoteCommandError({ ...fields, detail, cause: result.cause });
  }
  const { isCanceled, timedOut } = result;
  // stopped by us: rsync's own answer to the SIGTERM (often exit 255) is not a second reason
  const stopped = timedOut || isCanceled;
  const unreachable =
    result.exitCode === 255 || /Connection refused|Connection timed out|No route/.test(base.stderrTail);
  return new RemoteCommandError({
    ...fields,
    exitCode: stopped ? undefined : result.exitCode,
    signal: stopped ? undefined : result.signal,
    timedOut,
    timeoutMs: timedOut ? timeoutMs : undefined,
    isCanceled,
    isUnreachable: !stopped && unreachable,
    cause: result,
  });
}
