/**
 * A local TCP port forwarded through SSH (OpenSSH's `-L`): connections to `127.0.0.1:<localPort>` on this machine
 * become `direct-tcpip` channels from the target's sshd to `remoteHost:remotePort`, all over the one SSH connection
 * the tunnel was opened on. It is how an orchestrator outside Grid'5000 reaches a VM's HTTP service (the market, the
 * IoT emulator).
 *
 * When that connection closes before `close()` (sshd gone, TCP reset, keep-alives unanswered), the tunnel drops:
 * it resets every local connection in flight, resets every new one at once, logs why, and calls `onDrop` once. It
 * never reconnects: requests were lost, so the run must fail as a whole; the campaign's `--retries` runs it again,
 * and that run's deploy opens new tunnels. The listener stays open until `close()`, so no other process can take
 * the port while the caller still sends to it.
 */
import net from "node:net";
import type { Client as SshClient } from "ssh2";
import type { Keepalive } from "./connect.ts";
import { RemoteCommandError } from "./errors.ts";
import type { Logger } from "./types.ts";

export interface Tunnel {
  /** `127.0.0.1:<port>` on this machine. */
  localPort: number;
  /** Why the tunnel dropped (`isConnectionLost`); undefined while it forwards, and after a `close()` before a drop. */
  readonly dropped: RemoteCommandError | undefined;
  /** Stops listening and ends the connections in flight. Safe after a drop and when called again. */
  close(): Promise<void>;
}

export interface TunnelOptions {
  /** Called once, with the reason, when the SSH connection under the tunnel closes before `close()`. */
  onDrop?: (err: RemoteCommandError) => void;
}

export interface TunnelTarget {
  /** The SSH host's name, for messages. */
  host: string;
  remoteHost: string;
  remotePort: number;
}

export interface TunnelSettings {
  keepalive: Keepalive;
  logger: Logger;
  /** Called when `close()` runs, so the transport stops tracking the tunnel. */
  onClose?: () => void;
}

/** Listens on an ephemeral loopback port and forwards each connection over `ssh` (already connected to `host`). */
export async function openTunnel(
  ssh: SshClient,
  target: TunnelTarget,
  settings: TunnelSettings,
  opts: TunnelOptions = {},
): Promise<Tunnel> {
  const { host, remoteHost, remotePort } = target;
  const opened = performance.now();
  const sockets = new Set<net.Socket>();
  let dropped: RemoteCommandError | undefined;
  let closing: Promise<void> | undefined;
  let lastError: (Error & { level?: string }) | undefined;
  let localPort = 0;

  const drop = (why: string, cause: unknown) => {
    if (closing !== undefined || dropped !== undefined) return;
    const inFlight = sockets.size;
    dropped = new RemoteCommandError({
      host,
      command: `tunnel 127.0.0.1:${localPort} → ${remoteHost}:${remotePort}`,
      durationMs: Math.round(performance.now() - opened),
      isConnectionLost: true,
      detail:
        `The tunnel to ${remoteHost}:${remotePort} dropped: ${why}; ${inFlight} connection(s) in flight were ` +
        "reset and new ones are refused.",
      cause,
    });
    // A reset, not a FIN: a FIN would end a close-delimited HTTP body as if it were complete.
    for (const s of sockets) s.resetAndDestroy();
    settings.logger.warn(dropped.message);
    try {
      opts.onDrop?.(dropped);
    } catch (err) {
      settings.logger.warn(`the onDrop handler of the tunnel to ${remoteHost}:${remotePort} failed: ${String(err)}`);
    }
  };
  const onSshError = (err: Error & { level?: string }) => {
    lastError = err;
  };
  const onSshClose = () => drop(reasonOf(lastError, settings.keepalive), lastError);
  ssh.on("error", onSshError);
  ssh.once("close", onSshClose);

  const server = net.createServer((socket) => {
    socket.on("error", () => socket.destroy());
    if (dropped !== undefined || closing !== undefined) return void socket.resetAndDestroy();
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    try {
      ssh.forwardOut("127.0.0.1", 0, remoteHost, remotePort, (err, stream) => {
        if (err !== undefined && err !== null) {
          if (dropped === undefined && closing === undefined) {
            settings.logger.warn(`tunnel to ${host}:${remotePort}: ${err.message}`);
          }
          socket.resetAndDestroy();
          return;
        }
        if (socket.destroyed) return void stream.destroy();
        stream.on("error", () => socket.destroy());
        socket.once("close", () => stream.destroy());
        stream.once("close", () => socket.destroy());
        socket.pipe(stream).pipe(socket);
      });
    } catch (err) {
      // ssh2 throws "Not connected" when the socket closed before its close event reached us
      drop(`the SSH connection is closed (${(err as Error).message})`, err);
      socket.resetAndDestroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  localPort = (server.address() as net.AddressInfo).port;
  return {
    localPort,
    get dropped() {
      return dropped;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        ssh.off("error", onSshError);
        ssh.off("close", onSshClose);
        settings.onClose?.();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}

/** Why the SSH connection closed, from the last error ssh2 reported before its close event. */
function reasonOf(err: (Error & { level?: string }) | undefined, keepalive: Keepalive): string {
  if (err === undefined) return "the SSH server closed the connection";
  if (err.level === "client-timeout") {
    return (
      `${keepalive.countMax} SSH keep-alives sent ${keepalive.intervalMs} ms apart went unanswered ` +
      `(${err.message})`
    );
  }
  return `the SSH connection failed (${err.message})`;
}
