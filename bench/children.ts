/**
 * Child processes for the proxy benchmarks: the bare function server of `http-echo.ts` and the proxy of
 * `proxy-node.ts`, each reporting its port over IPC and stopped by disconnecting. execa forks them (JSON messages,
 * as `fork` sends) and kills them if the benchmark exits without stopping them (`cleanup`).
 */
import { fileURLToPath } from "node:url";
import { forkTsModule } from "../runtime/util/fork-worker.ts";

export interface Child {
  port: number;
  stop(): void;
}

/** Forks `file` (relative to bench/) with `args`; resolves with the port it reports; `what` names it in errors. */
export async function startChild(file: string, args: string[], what = file): Promise<Child> {
  const child = forkTsModule(fileURLToPath(new URL(file, import.meta.url)), args);
  const stop = () => {
    if (child.connected) child.disconnect();
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  try {
    // execa rejects the wait once the channel closes, that is when the child exits before reporting its port
    const message = await child.getOneMessage().catch(async (cause: unknown) => {
      const { exitCode } = await child;
      throw new Error(`${what} exited (code ${exitCode ?? null}) before listening.`, { cause });
    });
    return { port: (message as { port: number }).port, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
