/**
 * Child processes for the proxy benchmarks: the bare function server of `http-echo.ts` and the proxy of
 * `proxy-node.ts`, each reporting its port over IPC and stopped by disconnecting.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface Child {
  port: number;
  stop(): void;
}

/** Forks `file` (relative to bench/) with `args`; resolves with the port it reports. */
export async function startChild(file: string, args: string[]): Promise<Child> {
  const child: ChildProcess = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const stop = () => {
    if (child.connected) child.disconnect();
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once("message", (m: { port: number }) => resolve(m.port));
      child.once("exit", (code) => reject(new Error(`${file} exited (code ${code}) before listening.`)));
    });
    return { port, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
