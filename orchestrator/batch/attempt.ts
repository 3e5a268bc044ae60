/**
 * One attempt of one run: an in-process function or an external command, stopped through an AbortSignal whose
 * `reason` says why ("timeout", "halt", "interrupted"). A command gets SIGTERM, then SIGKILL after a grace, sent to
 * its whole process group so a wrapper script cannot leave its children behind.
 */
import { constants } from "node:os";
import type { BatchEffects, FunctionJob, RunContext } from "./types.ts";

/** How an attempt ended, in GNU's terms: Exitval -1 with the signal sent when we stopped it. */
export interface AttemptOutcome {
  exit: number;
  signal: number;
  stopped: boolean;
  error?: string;
  receive: number;
}

const SIGTERM = constants.signals.SIGTERM;
const SIGKILL = constants.signals.SIGKILL;

/** Runs `job.run`; once the signal aborts, waits at most `killGraceMs` for it to settle, then gives up on it. */
export async function runFunction(job: FunctionJob, ctx: RunContext, killGraceMs: number): Promise<AttemptOutcome> {
  const settled = job.run(ctx).then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  const abandoned = new Promise<"abandoned">((resolve) => {
    const onAbort = () => setTimeout(() => resolve("abandoned"), killGraceMs).unref();
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
  const result = await Promise.race([settled, abandoned]);
  if (ctx.signal.aborted) {
    const why = result === "abandoned" ? `did not settle within ${killGraceMs} ms of being stopped` : errorText(result);
    return {
      exit: -1,
      signal: SIGTERM,
      stopped: true,
      error: `Stopped (${String(ctx.signal.reason)}); ${why}.`,
      receive: 0,
    };
  }
  if (result === "abandoned" || result.ok) return { exit: 0, signal: 0, stopped: false, receive: 0 };
  const code = (result.err as { exitCode?: unknown } | null)?.exitCode;
  const exit = typeof code === "number" && Number.isInteger(code) && code > 0 && code < 256 ? code : 1;
  return { exit, signal: 0, stopped: false, error: errorText(result), receive: 0 };
}

function errorText(result: { ok: true } | { ok: false; err: unknown }): string {
  if (result.ok) return "it settled";
  return result.err instanceof Error ? result.err.message : String(result.err);
}

export interface CommandOptions {
  logPath: string;
  env: Record<string, string>;
  killGraceMs: number;
  effects: Pick<BatchEffects, "fs" | "spawn" | "clock">;
}

/** Spawns `argv` without a shell, appends its stdout and stderr to `logPath`, and answers how it ended. */
export async function runCommand(
  argv: readonly string[],
  ctx: RunContext,
  opts: CommandOptions,
): Promise<AttemptOutcome> {
  const log = await opts.effects.fs.open(opts.logPath, "a");
  const stamp = new Date(opts.effects.clock.now()).toISOString();
  await log.write(`--- ${stamp} attempt ${ctx.attempt}: ${argv.join(" ")}\n`);
  // Chunks are written in order through one promise chain (a FileHandle write stream can hang `close()` on Node 20).
  let written: Promise<unknown> = Promise.resolve();
  const toLog = (chunk: Buffer) => (written = written.then(() => log.write(chunk)).catch(() => {}));
  try {
    if (ctx.signal.aborted) return stoppedBeforeStart(ctx);
    // execa starts it; `detached` gives it its own process group, which execa cannot signal, so the stop below
    // is ours (SIGTERM to the group, SIGKILL after the grace) rather than execa's cancelSignal/forceKillAfterDelay,
    // which would reach only the group's leader and leave a wrapper script's children running.
    const child = opts.effects.spawn(argv[0]!, argv.slice(1), {
      stdin: "ignore",
      buffer: false,
      reject: false,
      detached: true,
      env: opts.env,
      forceKillAfterDelay: false,
    });
    let receive = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      receive += chunk.length;
      toLog(chunk);
    });
    child.stderr.on("data", toLog);
    let sent = 0;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (signal: number) => {
      sent = signal;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    const onAbort = () => {
      kill(SIGTERM);
      killTimer = setTimeout(() => kill(SIGKILL), opts.killGraceMs);
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const ended = await child;
    clearTimeout(killTimer);
    ctx.signal.removeEventListener("abort", onAbort);
    // a command that could not be spawned (not found, not executable) has no pid; GNU answers 127 for it
    if (child.pid === undefined)
      return {
        exit: 127,
        signal: 0,
        stopped: false,
        error: `Could not start \`${argv[0]}\`: ${ended.originalMessage}`,
        receive,
      };
    const endSignal = ended.signal ? constants.signals[ended.signal] : 0;
    if (sent !== 0) {
      const error = `Stopped (${String(ctx.signal.reason)}) with ${sent === SIGKILL ? "SIGKILL after the grace period" : "SIGTERM"}.`;
      return { exit: -1, signal: endSignal || sent, stopped: true, error, receive };
    }
    const exit = ended.exitCode ?? 0;
    const error = exit === 0 && endSignal === 0 ? undefined : `Exited with ${ended.signal ?? `code ${exit}`}.`;
    return { exit, signal: endSignal, stopped: false, ...(error ? { error } : {}), receive };
  } finally {
    await written;
    await log.close();
  }
}

function stoppedBeforeStart(ctx: RunContext): AttemptOutcome {
  return {
    exit: -1,
    signal: SIGTERM,
    stopped: true,
    error: `Stopped (${String(ctx.signal.reason)}) before it started.`,
    receive: 0,
  };
}
