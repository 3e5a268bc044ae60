/**
 * The box a function process runs in on the embedded gateway: an environment built from an allow-list (never the
 * gateway's own), an unprivileged user when the gateway runs as root, and a working directory of its own.
 *
 *   gateway (root, 77 variables) ──spawn──► node --import <tsx> functions/<fn>/index.ts
 *                                            uid/gid nobody, cwd = HOME = TMPDIR = /tmp/giraff-fn-<name>-XXXXXX
 *                                            env = PATH, HOME, TMPDIR, PORT, HOST + gateway `env` + envVars
 *
 * Why `nobody`: it exists on every Debian, Ubuntu and NixOS machine (uid 65534, also inside user namespaces that map
 * only 65,536 ids), so a clean CI machine needs no `useradd` and no change to /etc/passwd. Its limit: functions of
 * different owners share that uid, so one function could signal another or read its `/proc/<pid>/environ`; each
 * function's working directory (and so tsx's cache, under TMPDIR) is its own, so they share no files.
 */
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, parse } from "node:path";
import { ProtocolError } from "../protocol/errors.ts";
import { isAllowedRuntimeEnvName, RUNTIME_ENV_NAME_RULE } from "../protocol/env-vars.ts";

/** The `PATH` of every function: system directories only, never the gateway's. */
export const FUNCTION_PATH = "/usr/local/bin:/usr/bin:/bin";

/** Who a function process runs as. `uid`/`gid` undefined: the gateway's own user, for the logged `reason`. */
export interface FunctionUser {
  name: string;
  uid: number | undefined;
  gid: number | undefined;
  /** Why functions do not run as an unprivileged user, when they do not. */
  reason?: string;
}

/**
 * The whole environment of a function: the allow-list (PATH, HOME and TMPDIR = its working directory), the gateway's
 * `env` option, the deployment's `envVars` (a name that configures the runtime or loader is a 400 naming it), and
 * the contract's PORT=0 (the function picks a free port and reports it) and HOST last, so nothing overrides them.
 */
export function functionEnvironment(input: {
  workDir: string;
  gatewayEnv: Record<string, string> | undefined;
  envVars: Record<string, string> | undefined;
  envProcess: string | undefined;
}): Record<string, string> {
  checkEnvVars(input.envVars);
  return {
    PATH: FUNCTION_PATH,
    HOME: input.workDir,
    TMPDIR: input.workDir,
    ...input.gatewayEnv,
    ...input.envVars,
    ...(input.envProcess === undefined ? {} : { fprocess: input.envProcess }),
    PORT: "0",
    HOST: "127.0.0.1",
  };
}

/** Refuses (400, naming the variable) a deployment variable that configures the runtime or loader. */
export function checkEnvVars(envVars: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(envVars ?? {})) {
    if (!isAllowedRuntimeEnvName(name)) {
      throw new ProtocolError({ field: `envVars.${name}`, rule: RUNTIME_ENV_NAME_RULE, value: name });
    }
    if (value.includes("\0")) {
      throw new ProtocolError({ field: `envVars.${name}`, rule: "a value without NUL", value });
    }
  }
}

/** Reads a user from a passwd file's text; undefined when it is not listed. */
export function passwdEntry(passwd: string, name: string): { uid: number; gid: number } | undefined {
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name && uid !== undefined && gid !== undefined && /^\d+$/.test(uid) && /^\d+$/.test(gid)) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}

/**
 * Can `uid`/`gid` read `path` (a file) or list it (a directory), given every directory above it? Checks the mode
 * bits as the kernel would for a user without supplementary groups; a missing path is unreadable.
 */
export function isReadableBy(path: string, uid: number, gid: number): string | undefined {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (p === parse(p).root) break;
  }
  for (const p of chain) {
    let st;
    try {
      st = statSync(p);
    } catch {
      return `${p} does not exist`;
    }
    const bits = st.uid === uid ? (st.mode >> 6) & 7 : st.gid === gid ? (st.mode >> 3) & 7 : st.mode & 7;
    const needed = p === path ? (st.isDirectory() ? 5 : 4) : 1;
    if ((bits & needed) !== needed) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
      return `${p} is mode ${mode}, owned by uid ${st.uid} and gid ${st.gid}`;
    }
  }
  return undefined;
}

/**
 * The user functions run as: `nobody` when this process is root and `nobody` can read what a function needs
 * (`paths`: the functions' folder, the tsx loader, the node binary); otherwise this process's own user, with the
 * reason, which the caller logs.
 */
export function resolveFunctionUser(
  paths: string[],
  effects: { getuid?: () => number; passwd?: () => string } = {},
): FunctionUser {
  const uid = (effects.getuid ?? process.getuid)?.();
  if (uid === undefined) return { name: "self", uid: undefined, gid: undefined, reason: "this platform has no uids" };
  if (uid !== 0) {
    return {
      name: `uid ${uid}`,
      uid: undefined,
      gid: undefined,
      reason: `the gateway runs as uid ${uid}, not root, so it cannot switch users: functions run as uid ${uid}`,
    };
  }
  let passwd = "";
  try {
    passwd = (effects.passwd ?? (() => readFileSync("/etc/passwd", "utf8")))();
  } catch {
    // no passwd file: the user is not listed
  }
  const nobody = passwdEntry(passwd, "nobody");
  if (nobody === undefined) {
    return { name: "root", uid: undefined, gid: undefined, reason: "no user `nobody` in /etc/passwd" };
  }
  for (const path of paths) {
    const why = isReadableBy(path, nobody.uid, nobody.gid);
    if (why !== undefined) {
      return {
        name: "root",
        uid: undefined,
        gid: undefined,
        reason: `user nobody (uid ${nobody.uid}) cannot read ${path}: ${why}`,
      };
    }
  }
  return { name: "nobody", uid: nobody.uid, gid: nobody.gid };
}

/** A fresh directory for one function, owned by its user, readable by no one else (0700). */
export function createWorkDir(functionName: string, user: FunctionUser): string {
  const dir = mkdtempSync(join(tmpdir(), `giraff-fn-${functionName}-`));
  if (user.uid !== undefined && user.gid !== undefined) chownSync(dir, user.uid, user.gid);
  return dir;
}

/** Removes a function's working directory once its process has exited; never throws. */
export function removeWorkDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a directory left in the system's temporary folder is no reason to fail a stop
  }
}

/** Where and as whom a boxed process runs: the tsx loader, its own directory, its whole environment, its user. */
export interface Box {
  /** The `--import` specifier of tsx, absolute (a file URL), so that it resolves from any working directory. */
  loader: string;
  cwd: string;
  /** The whole environment of the process (nothing is inherited). */
  env: Record<string, string>;
  /** Run as this user and group (needs root); undefined: as this process's user. */
  uid?: number | undefined;
  gid?: number | undefined;
}

/**
 * execa's options for a process in its box, shared by a function process and a dense host: exactly the given
 * environment (`extendEnv: false`), output streamed rather than buffered, no rejection on a non-zero exit (the
 * caller reads it), killed when the gateway's process exits (`cleanup`), and no automatic SIGKILL (the caller's stop
 * chooses its grace period).
 */
export function boxedProcessOptions(box: Box) {
  return {
    nodeOptions: ["--import", box.loader],
    cwd: box.cwd,
    env: box.env,
    extendEnv: false,
    ...(box.uid === undefined ? {} : { uid: box.uid }),
    ...(box.gid === undefined ? {} : { gid: box.gid }),
    stdin: "ignore",
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: false,
  } as const;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how the process ended once it is gone. */
export async function terminate<T>(
  child: { kill(signal: NodeJS.Signals): unknown },
  exited: Promise<T>,
  graceMs: number,
): Promise<T> {
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(killer);
  }
}

/** How much of a boxed process's output is kept for its failure message. */
const TAIL_CHARS = 2000;

/** The last output of a boxed process (at most 2,000 characters), for the sentence that says why it failed. */
export class OutputTail {
  #text = "";

  add(text: string): void {
    this.#text = (this.#text + text).slice(-TAIL_CHARS);
  }

  get text(): string {
    return this.#text;
  }

  /** Its last five lines joined with " | "; "" when the process printed nothing. */
  lastLines(): string {
    return this.#text.trim().split("\n").slice(-5).join(" | ");
  }
}

/** How a process ended, as a phrase: its spawn error, "with code 1" or "on signal SIGKILL". */
export function howItEnded(exit: { code: number | null; signal: NodeJS.Signals | null }, spawnError?: string): string {
  return spawnError ?? (exit.signal === null ? `with code ${exit.code}` : `on signal ${exit.signal}`);
}
