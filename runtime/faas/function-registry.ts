/**
 * The embedded gateway's state: which functions are deployed, with which definition, and their processes.
 * Operations on one name are serialised (a delete waits for a running update), operations on different names run
 * in parallel. Errors are ProtocolErrors with the HTTP status to answer (404 unknown, 409 exists, 400 bad image or
 * a variable that configures the runtime). Each process runs in its box (`function-box.ts`). In dense mode, a
 * deployment whose image has a `handler.ts` becomes an instance in its image's host process (`function-host-pool.ts`,
 * shared by the gateways of a worker); an image without one (test fixtures) still runs as a process of its own.
 */
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { createLogger } from "../log.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type { ValidDeployment } from "./deployment-schema.ts";
import {
  checkEnvVars,
  createWorkDir,
  functionEnvironment,
  removeWorkDir,
  resolveFunctionUser,
  type FunctionUser,
} from "./function-box.ts";
import type { FunctionHostPool } from "./function-host-pool.ts";
import { FunctionProcess, type FunctionProcessStatus } from "./function-process.ts";
import type { FunctionRunner, InstanceInfo } from "./function-runner.ts";
import { resolveFunctionEntry } from "./image-folder.ts";
import { DEFAULT_NAMESPACE, SCALE_MIN_LABEL, type FunctionStatus } from "./types.ts";

export interface FunctionRegistryOptions {
  functionsDir: string;
  /** The repository whose `node_modules` holds tsx, which loads each function. */
  repoRoot: string;
  /** When set, each function's stdout and stderr are appended to `<logsDir>/<name>.log`. */
  logsDir?: string | undefined;
  /** Added to every function's environment, below the deployment's `envVars`; nothing else of ours is. */
  env?: Record<string, string> | undefined;
  /** Who functions run as; by default `nobody` when this process is root (`resolveFunctionUser`). */
  user?: FunctionUser | undefined;
  startTimeoutMs: number;
  stopGraceMs: number;
  /** `process`: one process per function; `dense`: an instance in `hosts` when the image has a `handler.ts`. */
  mode?: FunctionMode | undefined;
  /** The dense hosts (required in dense mode). */
  hosts?: FunctionHostPool | undefined;
}

/** How the embedded gateway runs functions (runtime/faas/README.md, "Dense mode"). */
export const FUNCTION_MODES = ["process", "dense"] as const;
export type FunctionMode = (typeof FUNCTION_MODES)[number];

export interface DeployedFunction {
  definition: ValidDeployment;
  createdAt: Date;
  invocationCount: number;
  process: FunctionRunner;
}

/** `GET /system/functions` entries: OpenFaaS's fields plus the local process (ignored by OpenFaaS clients). */
export interface GatewayFunctionStatus extends FunctionStatus {
  process: {
    status: FunctionProcessStatus;
    pid: number | undefined;
    port: number | undefined;
    startedAt: string;
    /** The user the process runs as (`nobody`, or the gateway's own when it cannot switch). */
    user: string;
    failure?: string;
    /** Dense mode: the instance in the host process `pid` (shared by every instance of its image). */
    instance?: InstanceInfo;
  };
}

/** Reasons already logged by this process: 40 gateways of a worker share one. */
const loggedFallbacks = new Set<string>();

export class FunctionRegistry {
  readonly #opts: FunctionRegistryOptions;
  readonly #functions = new Map<string, DeployedFunction>();
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #loader: string;
  readonly #user: FunctionUser;
  #closed = false;

  constructor(opts: FunctionRegistryOptions) {
    this.#opts = opts;
    if (opts.logsDir !== undefined) mkdirSync(opts.logsDir, { recursive: true });
    // an absolute loader, so that each function runs in a working directory of its own
    const loaderPath = createRequire(join(opts.repoRoot, "package.json")).resolve("tsx");
    this.#loader = pathToFileURL(loaderPath).href;
    this.#user = opts.user ?? resolveFunctionUser([opts.functionsDir, dirname(loaderPath), process.execPath]);
    if (this.#user.reason !== undefined && !loggedFallbacks.has(this.#user.reason)) {
      loggedFallbacks.add(this.#user.reason);
      createLogger("gateway").warn(
        `Functions run as ${this.#user.name}, not as an unprivileged user: ${this.#user.reason}.`,
      );
    }
  }

  /** Who this registry's functions run as. */
  get user(): FunctionUser {
    return this.#user;
  }

  get(name: string): DeployedFunction | undefined {
    return this.#functions.get(name);
  }

  /** Starts a new function; 409 if the name is taken, 400 if the image names no function folder. */
  deploy(def: ValidDeployment): Promise<void> {
    return this.#serialised(def.service, async () => {
      if (this.#functions.has(def.service)) {
        throw new ProtocolError({
          field: "service",
          rule: "the name of a function that is not deployed yet (update it with PUT /system/functions)",
          value: def.service,
          status: 409,
        });
      }
      this.#functions.set(def.service, {
        definition: def,
        createdAt: new Date(),
        invocationCount: 0,
        process: this.#start(def),
      });
    });
  }

  /** Restarts an existing function with a new definition; 404 if unknown. */
  update(def: ValidDeployment): Promise<void> {
    return this.#serialised(def.service, async () => {
      const current = this.#require(def.service, "service");
      const entry = resolveFunctionEntry(this.#opts.functionsDir, def.image);
      await current.process.stop(this.#opts.stopGraceMs);
      this.#functions.set(def.service, { ...current, definition: def, process: this.#start(def, entry) });
    });
  }

  /** Stops the function's process and forgets it; 404 if unknown. */
  remove(name: string): Promise<void> {
    return this.#serialised(name, async () => {
      const current = this.#require(name, "functionName");
      await current.process.stop(this.#opts.stopGraceMs);
      this.#functions.delete(name);
    });
  }

  list(): GatewayFunctionStatus[] {
    return [...this.#functions.values()].map((f) =>
      describe(f, f.process.instance === undefined ? this.#user.name : this.#opts.hosts!.user.name),
    );
  }

  /** Stops every function and refuses new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#locks.values()].map((p) => p.catch(() => undefined)));
    await Promise.all([...this.#functions.values()].map((f) => f.process.stop(this.#opts.stopGraceMs)));
    this.#functions.clear();
  }

  /** For `process.on("exit")`: SIGKILL everything, synchronously. */
  killAllSync(): void {
    for (const f of this.#functions.values()) f.process.killNowSync();
  }

  #start(def: ValidDeployment, entry = resolveFunctionEntry(this.#opts.functionsDir, def.image)): FunctionRunner {
    if (this.#closed) throw new ProtocolError({ field: "", rule: "a gateway that is not closing", status: 503 });
    const handlerPath = join(dirname(entry), "handler.ts");
    if (this.#opts.mode === "dense" && this.#opts.hosts !== undefined && existsSync(handlerPath)) {
      return this.#opts.hosts.place({
        name: def.service,
        folder: basename(dirname(entry)),
        handlerPath,
        gatewayEnv: this.#opts.env,
        envVars: def.envVars,
        envProcess: def.envProcess,
        limits: def.limits,
        requests: def.requests,
        startTimeoutMs: this.#opts.startTimeoutMs,
      });
    }
    const user = this.#user;
    // checked before anything is created: a refused variable leaves nothing behind
    checkEnvVars(def.envVars);
    const workDir = createWorkDir(def.service, user);
    const env = functionEnvironment({
      workDir,
      gatewayEnv: this.#opts.env,
      envVars: def.envVars,
      envProcess: def.envProcess,
    });
    const log = this.#openLog(def.service);
    const started = FunctionProcess.start({
      name: def.service,
      entry,
      loader: this.#loader,
      cwd: workDir,
      env,
      uid: user.uid,
      gid: user.gid,
      startTimeoutMs: this.#opts.startTimeoutMs,
      log,
    });
    log?.write(`--- ${started.startedAt.toISOString()} started ${def.image} as pid ${started.pid} (${user.name})\n`);
    void started.exited.then((exit) => {
      removeWorkDir(workDir);
      log?.end(`--- ${new Date().toISOString()} exited (code ${exit.code}, signal ${exit.signal})\n`);
    });
    return started;
  }

  #openLog(name: string): WriteStream | undefined {
    if (this.#opts.logsDir === undefined) return undefined;
    const stream = createWriteStream(join(this.#opts.logsDir, `${name}.log`), { flags: "a" });
    stream.on("error", () => undefined);
    return stream;
  }

  #require(name: string, field: string): DeployedFunction {
    const found = this.#functions.get(name);
    if (found === undefined) {
      throw new ProtocolError({ field, rule: "the name of a deployed function", value: name, status: 404 });
    }
    return found;
  }

  #serialised<T>(name: string, op: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(op);
    this.#locks.set(name, next);
    const cleanup = () => {
      if (this.#locks.get(name) === next) this.#locks.delete(name);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}

function describe(f: DeployedFunction, user: string): GatewayFunctionStatus {
  const def = f.definition;
  const p = f.process;
  return {
    name: def.service,
    image: def.image,
    namespace: def.namespace ?? DEFAULT_NAMESPACE,
    ...(def.envProcess === undefined ? {} : { envProcess: def.envProcess }),
    labels: def.labels ?? {},
    annotations: def.annotations ?? {},
    ...(def.limits === undefined ? {} : { limits: def.limits }),
    ...(def.requests === undefined ? {} : { requests: def.requests }),
    invocationCount: f.invocationCount,
    replicas: Number(def.labels?.[SCALE_MIN_LABEL] ?? "1"),
    availableReplicas: p.status === "ready" ? 1 : 0,
    createdAt: f.createdAt.toISOString(),
    process: {
      status: p.status,
      pid: p.pid,
      port: p.port,
      startedAt: p.startedAt.toISOString(),
      user,
      ...(p.failure === undefined ? {} : { failure: p.failure }),
      ...(p.instance === undefined ? {} : { instance: p.instance }),
    },
  };
}
