/**
 * `SshTransport`: commands and files on Grid'5000 machines over SSH (reference/grid5000.md §6.1 `Transport`).
 * One pooled connection per host, optionally through the access gateway; bounded fan-out; every call with a time
 * limit and an AbortSignal; every failure a `RemoteCommandError`. `close()` ends every connection.
 */
import { KEEPALIVE_COUNT_MAX, KEEPALIVE_INTERVAL_MS, type Endpoint, type Keepalive } from "./connect.ts";
import { withDeadline, type StopReason } from "./deadline.ts";
import { defaultEffects } from "./effects.ts";
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import { RemoteCommandError } from "./errors.ts";
import { runOnClient } from "./exec.ts";
import { fanOut, type ExecAllResults } from "./fan-out.ts";
import { KnownHostsFile, knownHostsKey } from "./host-keys.ts";
import { loadCredentials, type LoadedCredentials } from "./keys.ts";
import { ConnectionPool } from "./pool.ts";
import { rsyncDir, type SyncDirOptions } from "./rsync.ts";
import { getFile, openSftp, putFile } from "./sftp.ts";
import type { ExecAllOptions, SshTransportOptions, TransferOptions } from "./options.ts";
import type { ExecOptions, ExecResult, HostLike, KnownHosts, TransportEffects } from "./types.ts";
import { waitForSsh, type WaitForSshOptions } from "./wait-for-ssh.ts";
import { openTunnel, type Tunnel, type TunnelOptions } from "./tunnel.ts";

export class SshTransport {
  private readonly pool: ConnectionPool;
  private readonly effects: TransportEffects;
  private readonly jump: Endpoint | undefined;
  private readonly keepalive: Keepalive;
  private readonly knownHostsFiles = new Map<string, KnownHostsFile>();
  private readonly tunnels = new Set<Tunnel>();
  readonly knownHosts: KnownHosts;

  private constructor(
    private readonly options: SshTransportOptions,
    private readonly keys: LoadedCredentials,
  ) {
    this.effects = { ...defaultEffects, ...options.effects };
    this.knownHosts = options.knownHosts ?? new Map();
    this.jump = options.jump === undefined ? undefined : this.endpoint(options.jump);
    this.keepalive = {
      intervalMs: options.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS,
      countMax: options.keepaliveCountMax ?? KEEPALIVE_COUNT_MAX,
    };
    this.pool = new ConnectionPool(
      {
        ...keys,
        hostKeyPolicy: options.hostKeyPolicy ?? "accept-new",
        hostKeyPolicyFor: options.hostKeyPolicyFor,
        knownHosts: this.knownHosts,
        knownHostsFile: this.knownHostsFileAt(options.knownHostsFile),
        knownHostsFileFor: (h) => this.knownHostsFileAt(options.knownHostsFileFor?.(h)),
        logger: this.effects.logger,
        keepalive: this.keepalive,
      },
      this.jump,
      {
        connectTimeoutMs: this.connectTimeoutMs,
        sessionsPerHost: options.sessionsPerHost ?? 8,
        logger: this.effects.logger,
      },
    );
  }

  /**
   * Loads the private key (from its path when given one) and returns a transport; connects lazily. A bad key or
   * passphrase, or an encrypted key with neither passphrase nor agent, is a `ConfigError` now rather than a
   * failure on every host; ssh2's reasons never quote the key.
   */
  static async create(options: SshTransportOptions): Promise<SshTransport> {
    // ssh2 reads 0 or less as "no keep-alives", which would bring back the tunnels that hang on a dead path
    positiveInteger("keepaliveIntervalMs", options.keepaliveIntervalMs);
    positiveInteger("keepaliveCountMax", options.keepaliveCountMax);
    const logger = { ...defaultEffects, ...options.effects }.logger;
    return new SshTransport(options, await loadCredentials(options.credentials, logger));
  }

  /** Runs `command` on `host`; resolves with its result on exit 0, rejects with a `RemoteCommandError` otherwise. */
  async exec(host: HostLike, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const target = this.endpoint(host);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const started = performance.now();
    const fail = (reason: StopReason) =>
      new RemoteCommandError({ host: target.name, command, durationMs: since(started), timeoutMs, ...reason });
    const { client, sessions } = await withDeadline(
      (signal) => this.pool.acquire(target, signal),
      { timeoutMs, signal: opts.signal },
      fail,
    ).catch((err: unknown) => {
      throw err instanceof RemoteCommandError ? err.withCommand(command, since(started)) : err;
    });
    const settings = { timeoutMs, tailBytes: this.options.tailBytes ?? 64 * 1024, logger: this.effects.logger };
    return sessions(() =>
      runOnClient(
        client,
        target.name,
        command,
        { ...opts, timeoutMs: Math.max(1, timeoutMs - since(started)) },
        settings,
      ),
    );
  }

  /** Runs `command` on every host, at most `concurrency` at once; see `ExecAllResults` and `FanOutError`. */
  execAll(hosts: readonly HostLike[], command: string, opts: ExecAllOptions = {}): Promise<ExecAllResults> {
    const { concurrency, continueOnError, ...execOptions } = opts;
    return fanOut(
      hosts,
      (h) => this.endpoint(h).name,
      command,
      (h) => this.exec(h, command, execOptions),
      {
        concurrency: concurrency ?? this.options.concurrency ?? 100,
        continueOnError: continueOnError ?? false,
      },
    );
  }

  /** Uploads a local file (keeping its mode) or a buffer (0o644) to `remotePath`; `mode` overrides. */
  put(host: HostLike, source: string | Buffer, remotePath: string, opts: TransferOptions & { mode?: number } = {}) {
    const from = typeof source === "string" ? source : `<${source.length} bytes>`;
    return this.transfer(host, `sftp put ${from} → ${remotePath}`, opts, (sftp) =>
      putFile(sftp, source, remotePath, opts.mode),
    );
  }

  /** Downloads `remotePath` to `localPath`, with the remote file's mode bits. */
  get(host: HostLike, remotePath: string, localPath: string, opts: TransferOptions = {}) {
    return this.transfer(host, `sftp get ${remotePath} → ${localPath}`, opts, (sftp) =>
      getFile(sftp, remotePath, localPath),
    );
  }

  /**
   * Syncs a directory with `rsync -e ssh` through the same jump host (needs rsync on both sides). OpenSSH cannot
   * be given a passphrase, so a passphrase-protected key needs an ssh-agent here.
   */
  async syncDir(host: HostLike, localDir: string, remoteDir: string, opts: Partial<SyncDirOptions> = {}) {
    if (this.keys.passphrase !== undefined && this.keys.agent === undefined) {
      throw new RemoteCommandError({
        host: this.endpoint(host).name,
        command: `rsync -az ${localDir} ${remoteDir}`,
        durationMs: 0,
        isAuthFailure: true,
        detail:
          "rsync runs OpenSSH, which cannot be given G5K_SSH_KEY_PASSPHRASE: ssh-add the key to an ssh-agent and set SSH_AUTH_SOCK.",
      });
    }
    const settings = {
      privateKey: this.keys.privateKey,
      agent: this.keys.agent,
      hostKeyPolicy: this.options.hostKeyPolicy ?? "accept-new",
      knownHosts: this.knownHosts,
      jump: this.jump,
      connectTimeoutMs: this.connectTimeoutMs,
    };
    return await rsyncDir(this.endpoint(host), localDir, remoteDir, settings, { timeoutMs: this.timeoutMs, ...opts });
  }

  /** Retries fresh connections running `true` until one succeeds or `timeoutMs` passes. */
  waitForSsh(host: HostLike, opts: WaitForSshOptions) {
    const target = this.endpoint(host);
    return waitForSsh(
      target.name,
      (timeoutMs) => {
        this.pool.evict(target.name);
        return this.exec(target, "true", { timeoutMs, signal: opts.signal });
      },
      { ...opts, ...this.effects, connectTimeoutMs: this.connectTimeoutMs },
    );
  }

  /**
   * Forwards an ephemeral port of this machine's loopback to `remotePort` on `host` (as seen from `host`'s sshd),
   * OpenSSH's `-L`; the target's sshd must allow TCP forwarding. Connects now (an unreachable host rejects here),
   * and forwards over that one connection: when it drops, the tunnel resets its connections, refuses new ones and
   * calls `onDrop` (see tunnel.ts); it never reconnects. `close()` closes the tunnels still open.
   */
  async tunnel(
    host: HostLike,
    remotePort: number,
    opts: { remoteHost?: string; signal?: AbortSignal } & TunnelOptions = {},
  ): Promise<Tunnel> {
    const target = this.endpoint(host);
    const remoteHost = opts.remoteHost ?? "127.0.0.1";
    const started = performance.now();
    const { client } = await this.pool.acquire(target, opts.signal).catch((err: unknown) => {
      const command = `tunnel to ${remoteHost}:${remotePort}`;
      throw err instanceof RemoteCommandError ? err.withCommand(command, since(started)) : err;
    });
    const tunnel: Tunnel = await openTunnel(
      client,
      { host: target.name, remoteHost, remotePort },
      { keepalive: this.keepalive, logger: this.effects.logger, onClose: () => this.tunnels.delete(tunnel) },
      opts.onDrop === undefined ? {} : { onDrop: opts.onDrop },
    );
    this.tunnels.add(tunnel);
    return tunnel;
  }

  /**
   * Forgets `host`: ends its pooled connection and removes its key from `knownHosts` and from the known_hosts file
   * that applies to it (`knownHostsFileFor`, else `knownHostsFile`), like `ssh-keygen -R`, so that a host
   * reinstalled with a new key (a VM redeployed on a reused IP) is trusted on first use again. Returns the number
   * of lines removed from the file.
   */
  forgetHost(host: HostLike): number {
    const target = this.endpoint(host);
    this.pool.evict(target.name);
    const id = knownHostsKey(target.address, target.port);
    this.knownHosts.delete(id);
    const file =
      this.knownHostsFileAt(this.options.knownHostsFileFor?.(target)) ??
      this.knownHostsFileAt(this.options.knownHostsFile);
    return file?.remove(id) ?? 0;
  }

  /** Number of open (or opening) target connections. */
  get connections(): number {
    return this.pool.size;
  }

  /** Closes the tunnels still open (they do not report a drop), then ends every connection, the jump host's last. */
  async close(): Promise<void> {
    await Promise.all([...this.tunnels].map((t) => t.close()));
    await this.pool.close();
  }

  private async transfer<T>(
    host: HostLike,
    command: string,
    opts: TransferOptions,
    work: (sftp: Awaited<ReturnType<typeof openSftp>>) => Promise<T>,
  ): Promise<T & { host: string; durationMs: number }> {
    const target = this.endpoint(host);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const started = performance.now();
    const fail = (reason: StopReason) =>
      new RemoteCommandError({ host: target.name, command, durationMs: since(started), timeoutMs, ...reason });
    return withDeadline(
      async (signal) => {
        const { client, sessions } = await this.pool.acquire(target, signal);
        return sessions(async () => {
          const sftp = await openSftp(client, signal);
          try {
            return { ...(await work(sftp)), host: target.name, durationMs: since(started) };
          } catch (err) {
            const detail = `The transfer failed: ${err instanceof Error ? err.message : String(err)}.`;
            throw new RemoteCommandError({
              host: target.name,
              command,
              durationMs: since(started),
              detail,
              cause: err,
            });
          } finally {
            sftp.end();
          }
        });
      },
      { timeoutMs, signal: opts.signal },
      fail,
    ).catch((err: unknown) => {
      throw err instanceof RemoteCommandError && err.command !== command
        ? err.withCommand(command, since(started))
        : err;
    });
  }

  /** One `KnownHostsFile` per path, so the per-host function may return the same path at every connection. */
  private knownHostsFileAt(path: string | undefined): KnownHostsFile | undefined {
    if (path === undefined) return undefined;
    let file = this.knownHostsFiles.get(path);
    if (file === undefined) this.knownHostsFiles.set(path, (file = new KnownHostsFile(path)));
    return file;
  }

  private endpoint(host: HostLike): Endpoint {
    const spec = typeof host === "string" ? { name: host } : host;
    return {
      name: spec.name,
      address: spec.address ?? spec.name,
      port: spec.port ?? 22,
      user: spec.user ?? this.options.user ?? "root",
    };
  }

  private get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? 20_000;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 600_000;
  }
}

function positiveInteger(field: string, value: number | undefined): void {
  if (value === undefined || (Number.isInteger(value) && value > 0)) return;
  throw new ConfigError(field, `\`${field}\` must be a positive integer, got ${String(value)}.`);
}

function since(started: number): number {
  return Math.round(performance.now() - started);
}
