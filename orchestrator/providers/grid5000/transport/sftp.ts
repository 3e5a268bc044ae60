/**
 * File transfer over SFTP on the pooled connection (no extra TCP connection, works through the jump host).
 * Mode bits travel explicitly: the remote umask would otherwise strip them, and `fastGet` ignores them.
 */
import { chmod, stat } from "node:fs/promises";
import type { Client as SshClient, SFTPWrapper } from "ssh2";

/** Opens an SFTP channel; `signal` closes it, so a timed-out transfer does not keep writing. */
export function openSftp(client: SshClient, signal: AbortSignal): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => {
      if (err !== undefined && err !== null) return reject(err);
      if (signal.aborted) {
        sftp.end();
        return reject(signal.reason);
      }
      signal.addEventListener("abort", () => sftp.end(), { once: true });
      resolve(sftp);
    });
  });
}

/** Uploads a local file or a buffer to `remotePath`, then sets `mode` (default: the local file's, or 0o644). */
export async function putFile(
  sftp: SFTPWrapper,
  source: string | Buffer,
  remotePath: string,
  mode: number | undefined,
): Promise<{ bytes: number; mode: number }> {
  let bytes: number;
  let finalMode: number;
  if (typeof source === "string") {
    const info = await stat(source);
    bytes = info.size;
    finalMode = mode ?? info.mode & 0o7777;
    await call<void>((cb) => sftp.fastPut(source, remotePath, { mode: finalMode }, cb));
  } else {
    bytes = source.length;
    finalMode = mode ?? 0o644;
    await call<void>((cb) => sftp.writeFile(remotePath, source, { mode: finalMode }, cb));
  }
  await call<void>((cb) => sftp.chmod(remotePath, finalMode, cb));
  return { bytes, mode: finalMode };
}

/** Downloads `remotePath` to `localPath` and gives it the remote file's mode bits. */
export async function getFile(
  sftp: SFTPWrapper,
  remotePath: string,
  localPath: string,
): Promise<{ bytes: number; mode: number }> {
  const info = await call<{ size: number; mode: number }>((cb) => sftp.stat(remotePath, cb));
  await call<void>((cb) => sftp.fastGet(remotePath, localPath, cb));
  const mode = info.mode & 0o7777;
  await chmod(localPath, mode);
  return { bytes: info.size, mode };
}

/** Turns a node-style callback call into a promise. */
function call<T>(start: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    start((err, value) => (err !== undefined && err !== null ? reject(err) : resolve(value as T)));
  });
}
