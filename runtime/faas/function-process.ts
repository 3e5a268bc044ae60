/**
 * One function running as a real child process: `node --import <tsx loader> functions/<name>/index.ts`, started
 * with `PORT=0` so that it picks a free port and reports it on stdout as a JSON line `{"listening": <port>}`. The
 * process owns its lifecycle (starting → ready, or failed when it exits unexpectedly or never reports a port) and
 * its stop (SIGTERM, then SIGKILL after a grace period), so the gateway only routes. What it runs as, where and with
 * which environment is decided by the caller (`function-box.ts`). execa starts it: the environment is exactly the
 * one given (`extendEnv: false`), output is streamed, not buffered, and the process is killed when the gateway's
 * process exits (`cleanup`; a SIGKILLed gateway cannot do that, see runtime/faas/README.md).
 */
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { execaNode, type ResultPromise } from "execa";
import { boxedProcessOptions, howItEnded, OutputTail, terminate, type Box } from "./function-box.ts";

export type FunctionProcessStatus = "starting" | "ready" | "failed" | "stopped";

/** The function's box (`function-box.ts`): loader, its own working directory, its whole environment, its user. */
export interface FunctionProcessOptions extends Box {
  /** The function's name, for messages. */
  name: string;
  /** Absolute path of the function's `index.ts`. */
  entry: string;
  /** Fail the function if it has not reported its port by then. */
  startTimeoutMs: number;
  /** Receives the process's stdout and stderr. */
  log?: Writable | undefined;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class FunctionProcess {
  readonly name: string;
  readonly startedAt: Date;
  status: FunctionProcessStatus = "starting";
  port: number | undefined;
  /** Why the function failed, as a sentence. */
  failure: string | undefined;
  exit: ExitInfo | undefined;
  /** Resolves once the process has exited (or could not be spawned). */
  readonly exited: Promise<ExitInfo>;
  readonly #child: ResultPromise;
  #stopping = false;
  readonly #tail = new OutputTail();
  readonly #startTimer: NodeJS.Timeout;

  private constructor(opts: FunctionProcessOptions) {
    this.name = opts.name;
    this.startedAt = new Date();
    this.#child = execaNode(opts.entry, [], { ...boxedProcessOptions(opts), ipc: false });
    this.exited = this.#child.then((result) => {
      // a process that never started (bad uid, missing node) has no pid and no exit code, only a message
      const spawnError = this.#child.pid === undefined && result.failed ? result.shortMessage : undefined;
      return this.#onExit({ code: result.exitCode ?? null, signal: result.signal ?? null }, spawnError);
    });
    const stdout = createInterface({ input: this.#child.stdout! });
    stdout.on("line", (line) => this.#onStdoutLine(line, opts.log));
    this.#child.stderr!.on("data", (chunk: Buffer) => {
      opts.log?.write(chunk);
      this.#tail.add(chunk.toString("utf8"));
    });
    this.#startTimer = setTimeout(
      () => this.#fail(`Function \`${this.name}\` did not report a port within ${opts.startTimeoutMs} ms.`),
      opts.startTimeoutMs,
    );
  }

  /** Spawns the function; it is `starting` until it reports its port. */
  static start(opts: FunctionProcessOptions): FunctionProcess {
    return new FunctionProcess(opts);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Base URL of the function while it is ready. */
  get url(): string | undefined {
    return this.status === "ready" && this.port !== undefined ? `http://127.0.0.1:${this.port}` : undefined;
  }

  /** The last lines the function printed, for error messages. */
  get outputTail(): string {
    return this.#tail.text;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs: number): Promise<ExitInfo> {
    this.#stopping = true;
    clearTimeout(this.#startTimer);
    if (this.exit !== undefined) return this.exit;
    return terminate(this.#child, this.exited, graceMs);
  }

  /** Last resort when the gateway's own process exits: no waiting, no grace. */
  killNowSync(): void {
    if (this.exit === undefined) this.#child.kill("SIGKILL");
  }

  #onStdoutLine(line: string, log: Writable | undefined): void {
    log?.write(`${line}\n`);
    this.#tail.add(`${line}\n`);
    if (this.status !== "starting" || !line.startsWith("{")) return;
    try {
      const parsed = JSON.parse(line) as { listening?: unknown };
      if (typeof parsed.listening === "number" && Number.isInteger(parsed.listening) && parsed.listening > 0) {
        this.port = parsed.listening;
        this.status = "ready";
        clearTimeout(this.#startTimer);
      }
    } catch {
      // an ordinary log line that happens to start with `{`
    }
  }

  #onExit(exit: ExitInfo, spawnError?: string): ExitInfo {
    this.exit = exit;
    clearTimeout(this.#startTimer);
    if (this.#stopping) {
      this.status = "stopped";
    } else if (this.status !== "failed") {
      const how = howItEnded(exit, spawnError);
      const tail = this.#tail.lastLines();
      this.status = "failed";
      this.failure =
        spawnError === undefined
          ? `Function \`${this.name}\` exited unexpectedly ${how}.${tail === "" ? "" : ` Last output: ${tail}`}`
          : `Function \`${this.name}\` could not be started: ${how}.`;
    }
    return exit;
  }

  #fail(reason: string): void {
    if (this.exit !== undefined || this.#stopping) return;
    this.status = "failed";
    this.failure = reason;
    this.#child.kill("SIGKILL");
  }
}
