/**
 * The embedded gateway's state: which functions are deployed, with which definition, and their processes.
 * Operations on one name are serialised (a delete waits for a running update), operations on different names run
 * in parallel. Errors are ProtocolErrors with the HTTP status to answer (404 unknown, 409 exists, 400 bad image).
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { ProtocolError } from "../protocol/errors.ts";
import type { ValidDeployment } from "./deployment-schema.ts";
import { FunctionProcess, type FunctionProcessStatus } from "./function-process.ts";
import { resolveFunctionEntry } from "./image-folder.ts";
import { DEFAULT_NAMESPACE, SCALE_MIN_LABEL, type FunctionStatus } from "./types.ts";

export interface FunctionRegistryOptions {
  functionsDir: string;
  /** Where `node --import tsx` runs, so that `tsx` resolves. */
  repoRoot: string;
  /** When set, each function's stdout and stderr are appended to `<logsDir>/<name>.log`. */
  logsDir?: string | undefined;
  /** Added to every function's environment, below the deployment's `envVars`. */
  env?: Record<string, string> | undefined;
  startTimeoutMs: number;
  stopGraceMs: number;
}

export interface DeployedFunction {
  definition: ValidDeployment;
  createdAt: Date;
  invocationCount: number;
  process: FunctionProcess;
}

/** `GET /system/functions` entries: OpenFaaS's fields plus the local process (ignored by OpenFaaS clients). */
export interface GatewayFunctionStatus extends FunctionStatus {
  process: {
    status: FunctionProcessStatus;
    pid: number | undefined;
    port: number | undefined;
    startedAt: string;
    failure?: string;
  };
}

/** Variables of the gateway's own environment that must not leak into a function (GIRAFF sets them per function). */
const PER_FUNCTION_VARS = new Set(["NAME", "ID", "SLA", "PORT", "HOST", "fprocess"]);

export class FunctionRegistry {
  readonly #opts: FunctionRegistryOptions;
  readonly #functions = new Map<string, DeployedFunction>();
  readonly #locks = new Map<string, Promise<unknown>>();
  #closed = false;

  constructor(opts: FunctionRegistryOptions) {
    this.#opts = opts;
    if (opts.logsDir !== undefined) mkdirSync(opts.logsDir, { recursive: true });
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
    return [...this.#functions.values()].map(describe);
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

  #start(def: ValidDeployment, entry = resolveFunctionEntry(this.#opts.functionsDir, def.image)): FunctionProcess {
    if (this.#closed) throw new ProtocolError({ field: "", rule: "a gateway that is not closing", status: 503 });
    const log = this.#openLog(def.service);
    const started = FunctionProcess.start({
      name: def.service,
      entry,
      cwd: this.#opts.repoRoot,
      env: this.#environment(def),
      startTimeoutMs: this.#opts.startTimeoutMs,
      log,
    });
    log?.write(`--- ${started.startedAt.toISOString()} started ${def.image} as pid ${started.pid}\n`);
    void started.exited.then((exit) => {
      log?.end(`--- ${new Date().toISOString()} exited (code ${exit.code}, signal ${exit.signal})\n`);
    });
    return started;
  }

  #environment(def: ValidDeployment): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !PER_FUNCTION_VARS.has(key)) env[key] = value;
    }
    Object.assign(env, this.#opts.env, def.envVars);
    if (def.envProcess !== undefined) env["fprocess"] = def.envProcess;
    // PORT=0: the function picks a free port and reports it, so functions never collide.
    env["PORT"] = "0";
    env["HOST"] = "127.0.0.1";
    return env;
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

function describe(f: DeployedFunction): GatewayFunctionStatus {
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
      ...(p.failure === undefined ? {} : { failure: p.failure }),
    },
  };
}
