/**
 * A command of this repository run as a user runs it, for the tests that need a real process (real signals, real
 * exit codes): `node --import tsx <script> …args` started by execa, its output collected as it comes (for
 * `waitUntil`), and how it ended. execa's promise settles once the process has exited and its pipes have closed,
 * so a child that inherited them (a node worker) must be gone too; it never rejects (`reject: false`), and the
 * process is killed if the test runner exits first (execa's `cleanup`, except for a `detached` one).
 */
import { execaNode } from "execa";

export interface CliProcessOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Its own process group, so that a test may signal the group (`process.kill(-pid, …)`), as a terminal does. */
  detached?: boolean;
}

export function startCliProcess(script: string, args: readonly string[], options: CliProcessOptions = {}) {
  const child = execaNode(script, args, {
    nodeOptions: ["--import", "tsx"],
    ipc: false,
    stdin: "ignore",
    buffer: false,
    reject: false,
    ...options,
  });
  const exited = child.then((r) => ({ code: r.exitCode ?? null, signal: r.signal ?? null }));
  return { child, exited, ...collectOutput(child) };
}

/** A child's stdout and stderr as text so far, for `waitUntil` on what it printed. */
export function collectOutput(child: { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream }) {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return { out: () => stdout, err: () => stderr };
}

export type CliProcess = ReturnType<typeof startCliProcess>;
