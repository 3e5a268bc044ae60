/**
 * Running one command on an open connection. A timeout or an abort kills the remote command: OpenSSH refuses the
 * SSH `signal` request for root sessions ("session signalling requires privilege separation"), so every command
 * is tagged with an environment variable and a second channel kills the processes carrying that tag.
 */
import { randomUUID } from "node:crypto";
import type { Client as SshClient, ClientChannel } from "ssh2";
import { RemoteCommandError } from "./errors.ts";
import { shellQuote, TailBuffer } from "./tail.ts";
import type { ExecOptions, ExecResult, Logger } from "./types.ts";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const EXEC_TAG_VARIABLE = "GIRAFF_EXEC_ID";

export interface RunSettings {
  timeoutMs: number;
  tailBytes: number;
  logger: Logger;
}

/** Runs `command` on `client` (already connected to `host`); resolves on exit 0, rejects otherwise. */
export function runOnClient(
  client: SshClient,
  host: string,
  command: string,
  opts: ExecOptions,
  settings: RunSettings,
): Promise<ExecResult> {
  const started = performance.now();
  const tag = randomUUID();
  const exports = Object.entries({ ...opts.env, [EXEC_TAG_VARIABLE]: tag }).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new TypeError(`Expected \`env\` names to be shell identifiers, got \`${name}\`.`);
    return `export ${name}=${shellQuote(value)}; `;
  });
  const timeoutMs = opts.timeoutMs ?? settings.timeoutMs;
  const stdout = new TailBuffer(settings.tailBytes);
  const stderr = new TailBuffer(settings.tailBytes);
  const elapsed = () => Math.round(performance.now() - started);
  const base = () => ({
    host,
    command,
    durationMs: elapsed(),
    stdoutTail: stdout.toString(),
    stderrTail: stderr.toString(),
  });

  return new Promise<ExecResult>((resolve, reject) => {
    if (opts.signal?.aborted === true) {
      return reject(new RemoteCommandError({ ...base(), isCanceled: true, cause: opts.signal.reason }));
    }
    let channel: ClientChannel | undefined;
    let stopped: { timedOut?: boolean; isCanceled?: boolean; cause?: unknown } | undefined;
    let exit: { code: number | undefined; signal: string | undefined } = { code: undefined, signal: undefined };
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    };
    const stop = (why: NonNullable<typeof stopped>) => {
      if (stopped !== undefined) return;
      stopped = why;
      cleanup();
      channel?.close();
      void killTagged(client, tag, host, settings.logger);
      reject(new RemoteCommandError({ ...base(), ...why, timeoutMs: why.timedOut === true ? timeoutMs : undefined }));
    };
    const timer = setTimeout(() => stop({ timedOut: true }), timeoutMs);
    const onAbort = () => stop({ isCanceled: true, cause: opts.signal?.reason });
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    client.exec(exports.join("") + command, (err, ch) => {
      if (err !== undefined && err !== null) {
        cleanup();
        const detail = `The server refused to open a session: ${err.message}.`;
        return reject(new RemoteCommandError({ ...base(), detail, cause: err }));
      }
      channel = ch;
      if (stopped !== undefined) return ch.close();
      ch.on("data", (chunk: Buffer) => stdout.push(chunk));
      ch.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      ch.on("exit", (code: number | null, signal?: string) => {
        exit = { code: code ?? undefined, signal: signal ?? undefined };
      });
      ch.on("close", () => {
        if (stopped !== undefined) return;
        cleanup();
        const result = { ...base(), exitCode: exit.code ?? -1, signal: exit.signal };
        if (exit.code === 0) return resolve(result);
        const detail =
          exit.code === undefined && exit.signal === undefined
            ? "The session closed without an exit status."
            : undefined;
        reject(new RemoteCommandError({ ...base(), exitCode: exit.code, signal: exit.signal, detail }));
      });
      ch.end(opts.stdin);
    });
  });
}

/** Kills every process whose environment holds the command's tag (best effort, logged on failure). */
function killTagged(client: SshClient, tag: string, host: string, logger: Logger): Promise<void> {
  const needle = `${EXEC_TAG_VARIABLE}=${tag}`;
  const script =
    `for p in /proc/[0-9]*; do ` +
    `if tr '\\0' '\\n' < "$p/environ" 2>/dev/null | grep -qxF ${shellQuote(needle)}; then kill -KILL "\${p#/proc/}" 2>/dev/null; fi; ` +
    `done; true`;
  return new Promise((resolve) => {
    const done = (why?: string) => {
      if (why !== undefined) logger.warn(`Could not kill a stopped command on ${host}: ${why}`);
      resolve();
    };
    try {
      client.exec(script, (err, ch) => {
        if (err !== undefined && err !== null) return done(err.message);
        ch.resume();
        ch.stderr.resume();
        ch.on("close", () => done());
        ch.end();
      });
    } catch (err) {
      done(err instanceof Error ? err.message : String(err));
    }
  });
}
