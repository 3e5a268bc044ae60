/**
 * A TypeScript module started as a Node child with an IPC channel, the way the launcher starts its node workers and
 * the benchmarks their servers: execa's `execaNode` with the tsx loader, JSON messages (as `fork` sends them), the
 * child's output on ours, and `cleanup` so that the child dies with this process.
 */
import { execaNode } from "execa";

export function forkTsModule(path: string, args: readonly string[] = [], nodeOptions: readonly string[] = []) {
  return execaNode(path, args, {
    nodeOptions: ["--import", "tsx", ...nodeOptions],
    ipc: true,
    serialization: "json",
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
    buffer: false,
    reject: false,
    cleanup: true,
  });
}
