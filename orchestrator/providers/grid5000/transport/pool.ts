/**
 * One SSH connection per host, opened on first use and reused by every later command (like OpenSSH's
 * ControlMaster), plus one shared connection to the jump host that carries every forwarded target connection.
 * A connection that closes (reboot, network cut) leaves the pool, so the next call reconnects.
 */
import pLimit, { type LimitFunction } from "p-limit";
import type { Client as SshClient } from "ssh2";
import { connect, type ConnectSettings, type Endpoint } from "./connect.ts";
import { RemoteCommandError } from "./errors.ts";
import type { Logger } from "./types.ts";

const JUMP_KEY = "\u0000jump";

interface Entry {
  client: Promise<SshClient>;
  /** Caps concurrent channels below sshd's `MaxSessions` (default 10). */
  sessions: LimitFunction;
}

export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly closing = new AbortController();

  constructor(
    private readonly settings: ConnectSettings,
    private readonly jump: Endpoint | undefined,
    private readonly options: { connectTimeoutMs: number; sessionsPerHost: number; logger: Logger },
  ) {}

  /** The pooled connection to `target` (connecting if needed) and its session limiter. */
  async acquire(target: Endpoint, signal?: AbortSignal): Promise<{ client: SshClient; sessions: LimitFunction }> {
    const entry = this.entry(target.name, () => this.open(target));
    return { client: await raceAbort(entry.client, signal), sessions: entry.sessions };
  }

  /** Drops the pooled connection to `name`, closing it, so the next call connects afresh. */
  evict(name: string): void {
    const entry = this.entries.get(name);
    if (entry === undefined) return;
    this.entries.delete(name);
    entry.client.then(
      (c) => c.end(),
      () => undefined,
    );
  }

  /** Number of pooled target connections (the jump connection not included). */
  get size(): number {
    return [...this.entries.keys()].filter((k) => k !== JUMP_KEY).length;
  }

  /** Ends every connection, targets first, then the jump host. */
  async close(): Promise<void> {
    this.closing.abort(new Error("The transport was closed."));
    const entries = [...this.entries].filter(([k]) => k !== JUMP_KEY);
    const jump = this.entries.get(JUMP_KEY);
    if (jump !== undefined) entries.push([JUMP_KEY, jump]);
    this.entries.clear();
    for (const [, entry] of entries) {
      const client = await entry.client.catch(() => undefined);
      if (client === undefined) continue;
      await new Promise<void>((resolve) => {
        client.once("close", () => resolve());
        client.end();
        // A half-dead socket may never report close; destroying it afterwards is harmless.
        setImmediate(() => client.destroy());
      });
    }
  }

  private entry(key: string, open: () => Promise<SshClient>): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const client = open();
      const created: Entry = { client, sessions: pLimit(this.options.sessionsPerHost) };
      entry = created;
      this.entries.set(key, created);
      client.then(
        (c) => c.once("close", () => this.entries.get(key) === created && this.entries.delete(key)),
        () => this.entries.get(key) === created && this.entries.delete(key),
      );
    }
    return entry;
  }

  private async open(target: Endpoint): Promise<SshClient> {
    const timeoutMs = this.options.connectTimeoutMs;
    const signal = this.closing.signal;
    if (this.jump === undefined) return connect(target, this.settings, { timeoutMs, signal });
    const jumpEndpoint = this.jump;
    const jump = await this.entry(JUMP_KEY, () =>
      connect(jumpEndpoint, this.settings, { timeoutMs, signal }),
    ).client.catch((err: unknown) => {
      // Report the failure against the target, keeping the jump host's reason and flags.
      if (!(err instanceof RemoteCommandError)) throw err;
      const detail = `The jump host failed: ${err.message}`;
      throw new RemoteCommandError({ ...err, host: target.name, detail, cause: err });
    });
    this.options.logger.info(`Connecting to ${target.name} through ${jumpEndpoint.name}.`);
    return connect(target, this.settings, { timeoutMs, signal, jump, jumpName: jumpEndpoint.name });
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts (the shared work goes on). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
