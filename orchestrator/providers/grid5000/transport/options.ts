/** Options of `SshTransport` and its calls, with the defaults that suit a Grid'5000 campaign. */
import type { Credentials, ExecOptions, HostKeyPolicy, HostLike, KnownHosts, TransportEffects } from "./types.ts";

export interface SshTransportOptions {
  /** Login on targets and on the jump host unless they name another. Default `root` (deploy jobs, VMs). */
  user?: string;
  credentials: Credentials;
  /** The access gateway, e.g. `{name: "access.grid5000.fr", user: "<login>"}`; omit when running inside G5K. */
  jump?: HostLike;
  /** Default `accept-new`. */
  hostKeyPolicy?: HostKeyPolicy;
  /** A per-host policy overriding `hostKeyPolicy`, e.g. `off` for VMs whose keys change at every deployment. */
  hostKeyPolicyFor?: (host: { name: string; address: string; port: number }) => HostKeyPolicy;
  /**
   * A `known_hosts` file (OpenSSH format, hashed names understood) checked on connect: unknown hosts are trusted on
   * first use, appended and logged; a changed key is refused. Without it, only the in-memory `knownHosts` map.
   */
  knownHostsFile?: string;
  /**
   * A per-host `known_hosts` file overriding `knownHostsFile`, asked at every connection (return undefined to keep
   * the default), e.g. one file per deployment for VMs, whose keys change with each deployment while their IPs are
   * reused. The host's policy applies (`off` reads no file).
   */
  knownHostsFileFor?: (host: { name: string; address: string; port: number }) => string | undefined;
  /** Shared with the caller, who may persist it. Default: an empty map. */
  knownHosts?: KnownHosts;
  /** Hosts served at once by `execAll` unless it says otherwise. Default 100 (GIRAFF's Ansible forks). */
  concurrency?: number;
  /** Default 20 s. */
  connectTimeoutMs?: number;
  /** Default time limit of `exec`, `put`, `get`, `syncDir`. Default 10 min. */
  timeoutMs?: number;
  /** Bytes of stdout/stderr kept per command. Default 64 KiB. */
  tailBytes?: number;
  /** Concurrent channels per connection, below sshd's `MaxSessions` 10. Default 8. */
  sessionsPerHost?: number;
  /** SSH keep-alive period. Default `KEEPALIVE_INTERVAL_MS` (15 s; connect.ts says why). */
  keepaliveIntervalMs?: number;
  /**
   * Unanswered keep-alives before a connection is closed as dead (its tunnels drop, its commands fail). Default
   * `KEEPALIVE_COUNT_MAX` (3): a dead path is noticed within `keepaliveIntervalMs × (keepaliveCountMax + 1)`.
   */
  keepaliveCountMax?: number;
  effects?: Partial<TransportEffects>;
}

export interface TransferOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecAllOptions extends ExecOptions {
  concurrency?: number;
  /** Return failures among the results instead of throwing one `FanOutError`. */
  continueOnError?: boolean;
}
