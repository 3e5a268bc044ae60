/**
 * The transport's vocabulary: where a host is, how to authenticate, what a command returns, and the effects it
 * uses (clock, logger), so that callers and tests can swap them without module mocking (STYLE.md §4).
 */

/** A machine to reach: a node, a VM, or the access gateway. `name` keys the connection pool and the results. */
export interface HostSpec {
  /** What results and errors call the host, e.g. `gros-12.nancy.grid5000.fr` or `vm-10.144.0.3`. */
  name: string;
  /** Address to connect to; defaults to `name`. */
  address?: string;
  /** Default 22. */
  port?: number;
  /** Default: the transport's user. */
  user?: string;
}

/** A host given by name only (address = name, port 22) or in full. */
export type HostLike = string | HostSpec;

/**
 * Key-based credentials: an ssh-agent socket, tried first, and at most one of `privateKeyPath` and `privateKey`
 * (optional with an agent: a missing or encrypted file then leaves the agent alone). Never logged nor put in
 * messages.
 */
export interface Credentials {
  /** ssh-agent socket path (`SSH_AUTH_SOCK`). */
  agent?: string | undefined;
  privateKeyPath?: string | undefined;
  privateKey?: Buffer | string | undefined;
  passphrase?: string | undefined;
}

/**
 * Host-key policy: `accept-new` records unknown keys in `knownHosts` and rejects changed ones (OpenSSH's
 * `StrictHostKeyChecking accept-new`); `strict` rejects unknown keys too; `off` accepts anything (GIRAFF's
 * `StrictHostKeyChecking no`, for VMs whose keys change at every boot).
 */
export type HostKeyPolicy = "accept-new" | "strict" | "off";

/** `[address]:port` → `"<type> <base64>"`, the `known_hosts` key format, so it can be written for `rsync`. */
export type KnownHosts = Map<string, string>;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TransportEffects {
  clock: Clock;
  logger: Logger;
}

export interface ExecOptions {
  /** Kill the remote command and fail with `timedOut` after this many ms. Default: the transport's `execTimeoutMs`. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Exported before the command runs (no sshd `AcceptEnv` needed). Values are not logged. */
  env?: Record<string, string>;
  /** Written to the command's stdin, then EOF. Without it, stdin is closed at once. */
  stdin?: string | Buffer;
}

/** What one command did on one host. A non-zero exit is a `RemoteCommandError`, not a result. */
export interface ExecResult {
  host: string;
  command: string;
  exitCode: number;
  signal: string | undefined;
  /** The last `tailBytes` of stdout (whole output when shorter), as UTF-8. */
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
}
