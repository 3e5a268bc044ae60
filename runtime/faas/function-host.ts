/**
 * One dense function host process seen from the gateway's side: `node --import <tsx> runtime/faas/dense-host.ts
 * <handler.ts> <folder>` started like a function process (execa, the box's user, environment and working directory),
 * plus an IPC channel to add and remove instances. It owns its lifecycle (starting → ready once it reports its port,
 * failed when it exits unexpectedly or never reports one) and tells its instances when it fails, with the reason.
 */
import { fileURLToPath } from "node:url";
import type { Writable } from "node:stream";
import { execaNode } from "execa";
import { boxedProcessOptions, howItEnded, OutputTail, terminate, type Box } from "./function-box.ts";
import type { ExitInfo, FunctionProcessStatus } from "./function-process.ts";
import type { FromHost, InstanceUsage, ToHost } from "./function-host-messages.ts";

const DENSE_HOST_ENTRY = fileURLToPath(new URL("./dense-host.ts", import.meta.url));

/** The host's box (`function-box.ts`); its environment is the host's alone, instances never see it. */
export interface FunctionHostOptions extends Box {
  /** The image's folder under `functions/`, for messages. */
  folder: string;
  /** Absolute path of the image's `handler.ts` (exports `createFunction`). */
  handlerPath: string;
  startTimeoutMs: number;
  log?: Writable | undefined;
}

type Waiter = { resolve: () => void; reject: (err: Error) => void };

/** The host process, with an IPC channel (JSON) and its output streamed. */
function spawnHost(opts: FunctionHostOptions) {
  return execaNode(DENSE_HOST_ENTRY, [opts.handlerPath, opts.folder], {
    ...boxedProcessOptions(opts),
    ipc: true,
    serialization: "json",
  });
}

export class FunctionHost {
  readonly folder: string;
  readonly startedAt = new Date();
  status: FunctionProcessStatus = "starting";
  port: number | undefined;
  failure: string | undefined;
  exit: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;
  /** Resolves once the host listens; rejects with the failure. */
  readonly ready: Promise<void>;
  readonly #child: ReturnType<typeof spawnHost>;
  readonly #adds = new Map<string, Waiter>();
  readonly #removes = new Map<string, Waiter>();
  readonly #usage = new Map<string, InstanceUsage>();
  readonly #failureListeners = new Set<(reason: string) => void>();
  readonly #startTimer: NodeJS.Timeout;
  #markReady: Waiter | undefined;
  #stopping = false;
  readonly #tail = new OutputTail();

  private constructor(opts: FunctionHostOptions) {
    this.folder = opts.folder;
    this.ready = new Promise<void>((resolve, reject) => (this.#markReady = { resolve, reject }));
    this.ready.catch(() => undefined);
    this.#child = spawnHost(opts);
    this.#child.on("message", (message: FromHost) => this.#onMessage(message));
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      stream.on("data", (chunk: Buffer) => {
        opts.log?.write(chunk);
        this.#tail.add(chunk.toString("utf8"));
      });
    }
    this.exited = this.#child.then((result) => {
      const spawnError = this.#child.pid === undefined && result.failed ? result.shortMessage : undefined;
      return this.#onExit({ code: result.exitCode ?? null, signal: result.signal ?? null }, spawnError);
    });
    this.#startTimer = setTimeout(
      () =>
        this.#fail(`The function host of \`${this.folder}\` did not report a port within ${opts.startTimeoutMs} ms.`),
      opts.startTimeoutMs,
    );
  }

  static start(opts: FunctionHostOptions): FunctionHost {
    return new FunctionHost(opts);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last usage the host reported for an instance. */
  usage(id: string): InstanceUsage | undefined {
    return this.#usage.get(id);
  }

  /** Calls `listener` with the reason once the host fails; returns the unsubscribe function. */
  onFailure(listener: (reason: string) => void): () => void {
    this.#failureListeners.add(listener);
    return () => this.#failureListeners.delete(listener);
  }

  /** Adds an instance once the host is ready; rejects with the factory's error or the host's failure. */
  async add(message: Extract<ToHost, { type: "add" }>): Promise<void> {
    await this.ready;
    return this.#ask(this.#adds, message.id, message);
  }

  /** Removes an instance (its requests are cut); resolves once the host has forgotten it, or is gone. */
  async remove(id: string): Promise<void> {
    if (this.status !== "ready") return;
    await this.#ask(this.#removes, id, { type: "remove", id }).catch(() => undefined);
    this.#usage.delete(id);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs: number): Promise<ExitInfo> {
    this.#stopping = true;
    clearTimeout(this.#startTimer);
    if (this.exit !== undefined) return this.exit;
    return terminate(this.#child, this.exited, graceMs);
  }

  /** Kills a host that does not answer (a handler stuck in synchronous code): its instances fail with `reason`. */
  kill(reason: string): void {
    this.#fail(reason);
  }

  killNowSync(): void {
    if (this.exit === undefined) this.#child.kill("SIGKILL");
  }

  #ask(waiters: Map<string, Waiter>, id: string, message: ToHost): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      waiters.set(id, { resolve, reject });
      this.#child.sendMessage(message).catch((err: Error) => {
        waiters.delete(id);
        reject(err);
      });
    });
  }

  #onMessage(message: FromHost): void {
    switch (message.type) {
      case "listening":
        this.port = message.port;
        this.status = "ready";
        clearTimeout(this.#startTimer);
        this.#markReady?.resolve();
        return;
      case "added":
        return this.#settle(this.#adds, message.id);
      case "add-failed":
        return this.#settle(this.#adds, message.id, new Error(message.reason));
      case "removed":
        return this.#settle(this.#removes, message.id);
      case "usage":
        for (const [id, usage] of Object.entries(message.instances)) this.#usage.set(id, usage);
        return;
    }
  }

  #settle(waiters: Map<string, Waiter>, id: string, err?: Error): void {
    const waiter = waiters.get(id);
    waiters.delete(id);
    if (err === undefined) waiter?.resolve();
    else waiter?.reject(err);
  }

  #onExit(exit: ExitInfo, spawnError?: string): ExitInfo {
    this.exit = exit;
    clearTimeout(this.#startTimer);
    if (this.#stopping && this.status !== "failed") {
      this.status = "stopped";
    } else if (this.status !== "failed") {
      const how = howItEnded(exit, spawnError);
      const tail = this.#tail.lastLines();
      this.status = "failed";
      this.failure =
        spawnError === undefined
          ? `The function host of \`${this.folder}\` (pid ${this.pid}) exited unexpectedly ${how}, taking all its ` +
            `instances down.${tail === "" ? "" : ` Last output: ${tail}`}`
          : `The function host of \`${this.folder}\` could not be started: ${how}.`;
    }
    const gone = new Error(this.failure ?? `The function host of \`${this.folder}\` was stopped.`);
    this.#markReady?.reject(gone);
    for (const waiter of this.#adds.values()) waiter.reject(gone);
    for (const waiter of this.#removes.values()) waiter.resolve();
    this.#adds.clear();
    this.#removes.clear();
    if (this.status === "failed") for (const listener of this.#failureListeners) listener(this.failure!);
    return exit;
  }

  #fail(reason: string): void {
    if (this.exit !== undefined || this.status === "failed") return;
    this.status = "failed";
    this.failure = reason;
    this.#child.kill("SIGKILL");
  }
}
