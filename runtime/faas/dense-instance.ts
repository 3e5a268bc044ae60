/**
 * One function instance in a dense host (`function-host.ts`): the gateway's handle on it. It is `starting` until its
 * image's host is up and has built it from its factory, `ready` after, `failed` when its factory throws, it is not
 * added within the start timeout, or its host dies (with the host's reason), and `stopped` once removed. Its URL is
 * the host's, under its id: `http://127.0.0.1:<host port>/<id>`.
 */
import type { FunctionHost } from "./function-host.ts";
import type { ToHost } from "./function-host-messages.ts";
import type { FunctionProcessStatus } from "./function-process.ts";
import type { FunctionRunner, InstanceInfo } from "./function-runner.ts";

export interface DenseInstanceOptions {
  name: string;
  image: string;
  memory: string | undefined;
  add: Extract<ToHost, { type: "add" }>;
  /** The host of its image, started or shared by the pool. */
  acquire: () => Promise<FunctionHost>;
  /** Called once the instance is gone (removed, or never added), whether or not it ever ran. */
  release: () => void;
  startTimeoutMs: number;
}

export class DenseInstance implements FunctionRunner {
  readonly name: string;
  readonly id: string;
  readonly startedAt = new Date();
  status: FunctionProcessStatus = "starting";
  failure: string | undefined;
  readonly #opts: DenseInstanceOptions;
  readonly #started: Promise<void>;
  #host: FunctionHost | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopping = false;
  #released = false;

  private constructor(opts: DenseInstanceOptions) {
    this.#opts = opts;
    this.name = opts.name;
    this.id = opts.add.id;
    this.#started = this.#start();
  }

  /** Places the instance: it is `starting` until its host has built it. */
  static start(opts: DenseInstanceOptions): DenseInstance {
    return new DenseInstance(opts);
  }

  get pid(): number | undefined {
    return this.#host?.pid;
  }

  get port(): number | undefined {
    return this.#host?.port;
  }

  get url(): string | undefined {
    const port = this.#host?.port;
    return this.status === "ready" && port !== undefined ? `http://127.0.0.1:${port}/${this.id}` : undefined;
  }

  get instance(): InstanceInfo {
    const usage = this.#host?.usage(this.id) ?? { busyMs: 0, throttledMs: 0, requests: 0, running: 0, refused: 0 };
    return {
      id: this.id,
      image: this.#opts.image,
      milliCpu: this.#opts.add.milliCpu,
      memory: this.#opts.memory ?? null,
      maxInflight: this.#opts.add.maxInflight,
      ...usage,
    };
  }

  /** Removes it from its host (cutting its requests); the host is killed if it does not answer within `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    await this.#started;
    const host = this.#host;
    if (host !== undefined && host.status === "ready") {
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          host.kill(`The function host of \`${host.folder}\` did not remove \`${this.name}\` within ${graceMs} ms.`);
          resolve();
        }, graceMs);
      });
      await Promise.race([host.remove(this.id), stuck]);
      clearTimeout(timer);
    }
    if (this.status !== "failed") this.status = "stopped";
    this.#release();
  }

  killNowSync(): void {
    // the pool kills the host processes
  }

  async #start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Function \`${this.name}\` was not started within ${this.#opts.startTimeoutMs} ms.`)),
        this.#opts.startTimeoutMs,
      );
    });
    try {
      const host = await Promise.race([this.#opts.acquire(), timeout]);
      this.#host = host;
      this.#unsubscribe = host.onFailure((reason) => this.#fail(reason));
      await Promise.race([host.add(this.#opts.add), timeout]);
      if (this.status === "starting") this.status = "ready";
    } catch (err) {
      this.#fail(`Function \`${this.name}\` failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(reason: string): void {
    if (this.#stopping || this.status === "failed" || this.status === "stopped") return;
    this.status = "failed";
    this.failure = reason;
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#unsubscribe?.();
    this.#opts.release();
  }
}
