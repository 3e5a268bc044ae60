/**
 * Opening one SSH connection, directly or through a jump host (the access gateway): the jump connection opens a
 * `direct-tcpip` channel to the target (`forwardOut`), and the target's SSH session runs over that channel.
 * Every failure becomes a `RemoteCommandError` whose flags say why (unreachable, auth, host key, timeout, cancel).
 */
import ssh2 from "ssh2";
import type { Client as SshClient, ConnectConfig } from "ssh2";
import type { Duplex } from "node:stream";
import { RemoteCommandError } from "./errors.ts";
import { hostVerifier, knownHostsKey, type HostKeyVerdict, type KnownHostsFile } from "./host-keys.ts";
import type { HostKeyPolicy, KnownHosts, Logger } from "./types.ts";

const { Client } = ssh2;

/** A resolved endpoint: the host's name for messages plus where and as whom to connect. */
export interface Endpoint {
  name: string;
  address: string;
  port: number;
  user: string;
}

/**
 * What a connection needs besides the endpoint. `privateKey` is already loaded; it never reaches a message. With
 * `agent`, the agent's keys are tried first, then `privateKey`.
 */
export interface ConnectSettings {
  agent?: string | undefined;
  privateKey?: Buffer | undefined;
  passphrase?: string | undefined;
  hostKeyPolicy: HostKeyPolicy;
  hostKeyPolicyFor?: ((host: Endpoint) => HostKeyPolicy) | undefined;
  knownHosts: KnownHosts;
  knownHostsFile?: KnownHostsFile | undefined;
  /** A per-host file overriding `knownHostsFile` (e.g. one per deployment for VMs); undefined keeps the default. */
  knownHostsFileFor?: ((host: Endpoint) => KnownHostsFile | undefined) | undefined;
  logger?: Logger | undefined;
  keepalive: Keepalive;
}

/** SSH-level keep-alives (OpenSSH's `ServerAliveInterval`/`ServerAliveCountMax`). */
export interface Keepalive {
  intervalMs: number;
  /** Unanswered keep-alives after which the connection is declared dead and closed. */
  countMax: number;
}

/**
 * A keep-alive every 15 s keeps idle flows open through NAT boxes, firewalls and the access gateway, which forget
 * idle TCP connections after minutes, and 3 unanswered ones (OpenSSH's default count) declare a black-holed
 * connection (laptop suspended, network changed, host frozen) dead: ssh2 counts a keep-alive per interval since
 * the last answer, so a dead path is noticed at most `intervalMs × (countMax + 1)` = 60 s after its last answer.
 * Shorter would risk closing a run's connections on a gateway that is merely slow; longer would let the replayer
 * wait longer on requests that cannot come back.
 */
export const KEEPALIVE_INTERVAL_MS = 15_000;
export const KEEPALIVE_COUNT_MAX = 3;

/** How long after its last answer a silent connection is closed: the bound on noticing a black hole. */
export function deadAfterMs(keepalive: Keepalive): number {
  return keepalive.intervalMs * (keepalive.countMax + 1);
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
]);

/** Connects to `target`, through `jump` when given; rejects after `timeoutMs` or when `signal` aborts. */
export function connect(
  target: Endpoint,
  settings: ConnectSettings,
  opts: { timeoutMs: number; signal?: AbortSignal | undefined; jump?: SshClient | undefined; jumpName?: string },
): Promise<SshClient> {
  const started = performance.now();
  const fail = (fields: Partial<ConstructorParameters<typeof RemoteCommandError>[0]>) =>
    new RemoteCommandError({
      host: target.name,
      command: "ssh connect",
      durationMs: Math.round(performance.now() - started),
      ...fields,
    });
  if (opts.signal?.aborted === true) return Promise.reject(fail({ isCanceled: true, cause: opts.signal.reason }));

  return new Promise<SshClient>((resolve, reject) => {
    const client = new Client();
    const verdict: HostKeyVerdict = {};
    let settled = false;
    const settle = (err: RemoteCommandError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (err === undefined) return resolve(client);
      client.end();
      client.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () => settle(fail({ isUnreachable: true, timedOut: true, timeoutMs: opts.timeoutMs })),
      opts.timeoutMs,
    );
    const onAbort = () => settle(fail({ isCanceled: true, cause: opts.signal?.reason }));
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    client.once("ready", () => settle(undefined));
    client.on("error", (err: Error & { level?: string; code?: string }) => {
      // an unusable agent (stale socket) is not fatal: ssh2 goes on with the key file
      if (err.level === "agent") return settings.logger?.warn(`the ssh-agent could not be used: ${err.message}`);
      settle(classify(err, verdict, fail));
    });
    client.once("close", () =>
      settle(fail({ isUnreachable: true, detail: "The connection closed during the handshake." })),
    );

    const policy = settings.hostKeyPolicyFor?.(target) ?? settings.hostKeyPolicy;
    const file = policy === "off" ? undefined : (settings.knownHostsFileFor?.(target) ?? settings.knownHostsFile);
    const store = { knownHosts: settings.knownHosts, file, logger: settings.logger };
    let serverHostKey: string[] | undefined;
    try {
      serverHostKey = file?.algorithmsOf(knownHostsKey(target.address, target.port));
    } catch {
      // unreadable: the verifier reports it
    }
    const config: ConnectConfig = {
      host: target.address,
      port: target.port,
      username: target.user,
      ...(settings.agent === undefined ? {} : { agent: settings.agent }),
      ...(settings.privateKey === undefined
        ? {}
        : { privateKey: settings.privateKey, passphrase: settings.passphrase }),
      // the agent first (OpenSSH's order), then the key file
      authHandler: [
        ...(settings.agent === undefined ? [] : ["agent" as const]),
        ...(settings.privateKey === undefined ? [] : ["publickey" as const]),
      ],
      // a host already known is asked for a key of a known type, so that a mismatch means a changed key
      ...(serverHostKey === undefined ? {} : { algorithms: { serverHostKey: serverHostKey as never } }),
      hostVerifier: hostVerifier(policy, store, target.address, target.port, verdict),
      readyTimeout: opts.timeoutMs,
      keepaliveInterval: settings.keepalive.intervalMs,
      keepaliveCountMax: settings.keepalive.countMax,
    };
    const start = (sock?: Duplex) => {
      try {
        client.connect(sock === undefined ? config : { ...config, sock });
      } catch (err) {
        // ssh2 parses the key synchronously; its messages name the problem, never the key material.
        const reason = err instanceof Error ? err.message : String(err);
        settle(fail({ isAuthFailure: true, detail: `The private key could not be used: ${reason}.`, cause: err }));
      }
    };
    if (opts.jump === undefined) return start();
    opts.jump.forwardOut("127.0.0.1", 0, target.address, target.port, (err, stream) => {
      if (err !== undefined && err !== null) {
        const via = opts.jumpName ?? "the jump host";
        const detail = `${via} could not open a connection to ${target.address}:${target.port}: ${err.message}.`;
        return settle(fail({ isUnreachable: true, detail, cause: err }));
      }
      if (settled) return stream.destroy();
      start(stream);
    });
  });
}

function classify(
  err: Error & { level?: string; code?: string },
  verdict: HostKeyVerdict,
  fail: (fields: Partial<ConstructorParameters<typeof RemoteCommandError>[0]>) => RemoteCommandError,
): RemoteCommandError {
  if (verdict.rejected !== undefined) return fail({ isHostKeyRejected: true, detail: verdict.rejected, cause: err });
  if (err.level === "client-authentication") return fail({ isAuthFailure: true, cause: err });
  if (err.level === "client-timeout") return fail({ isUnreachable: true, timedOut: true, cause: err });
  if (err.code !== undefined && UNREACHABLE_CODES.has(err.code)) return fail({ isUnreachable: true, cause: err });
  if (err.level === "client-socket") return fail({ isUnreachable: true, cause: err });
  return fail({ isUnreachable: true, detail: `The SSH handshake failed: ${err.message}.`, cause: err });
}
