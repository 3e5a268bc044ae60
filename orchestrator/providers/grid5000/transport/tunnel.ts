/**
 * A local TCP port forwarded through SSH (OpenSSH's `-L`): connections to `127.0.0.1:<localPort>` on this machine
 * become `direct-tcpip` channels from the target's sshd to `remoteHost:remotePort`, over the pooled connection.
 * It is how an orchestrator outside Grid'5000 reaches a VM's HTTP service (the market, the IoT emulator).
 */
import net from "node:net";
import type { Client as SshClient } from "ssh2";

export interface Tunnel {
  /** `127.0.0.1:<port>` on this machine. */
  localPort: number;
  close(): Promise<void>;
}

/** Listens on an ephemeral loopback port; `client` gives the (pooled) SSH connection at each new TCP connection. */
export async function openTunnel(
  client: () => Promise<SshClient>,
  remoteHost: string,
  remotePort: number,
  onError: (err: Error) => void,
): Promise<Tunnel> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    client().then(
      (ssh) =>
        ssh.forwardOut("127.0.0.1", 0, remoteHost, remotePort, (err, stream) => {
          if (err) {
            onError(err);
            socket.destroy();
            return;
          }
          stream.on("error", () => socket.destroy());
          socket.once("close", () => stream.destroy());
          stream.once("close", () => socket.destroy());
          socket.pipe(stream).pipe(socket);
        }),
      (err: unknown) => {
        onError(err instanceof Error ? err : new Error(String(err)));
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    localPort: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
