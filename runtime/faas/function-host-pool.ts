/**
 * The dense hosts of one worker process: one host process per image (per `handler.ts`), shared by every embedded
 * gateway of the process. `place` turns a deployment into an instance of its image's host, started on first use and
 * stopped once it has had no instance for `idleMs`. Each instance's environment is built exactly as a function
 * process's (`functionEnvironment`, with its own working directory as HOME and TMPDIR); the host process itself gets
 * only the allow-listed base (PATH, HOME, TMPDIR) and runs as the box's user.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ProtocolError } from "../protocol/errors.ts";
import { parseCpuQuantity } from "./deployment-schema.ts";
import { DenseInstance } from "./dense-instance.ts";
import {
  checkEnvVars,
  createWorkDir,
  FUNCTION_PATH,
  functionEnvironment,
  removeWorkDir,
  resolveFunctionUser,
  type FunctionUser,
} from "./function-box.ts";
import { FunctionHost } from "./function-host.ts";
import type { FunctionResources } from "./types.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface FunctionHostPoolOptions {
  /** The repository whose `node_modules` holds tsx (default: this one). */
  repoRoot?: string | undefined;
  /** Folders the box's user must be able to read besides tsx and node (the functions' folder). */
  readablePaths?: string[] | undefined;
  /** When set, each host's output is appended to `<logsDir>/host-<folder>.log`. */
  logsDir?: string | undefined;
  user?: FunctionUser | undefined;
  /** A host that has not reported its port by then fails (default 60 s). */
  startTimeoutMs?: number | undefined;
  /** Between SIGTERM and SIGKILL of a host (default 5 s). */
  stopGraceMs?: number | undefined;
  /** How long a host without instances stays up for the next one (default 30 s). */
  idleMs?: number | undefined;
  /** Added to the hosts' own environment (tests use it to check instances do not see it). */
  hostEnv?: Record<string, string> | undefined;
}

/** What one deployment needs to become an instance. */
export interface Placement {
  name: string;
  folder: string;
  handlerPath: string;
  gatewayEnv: Record<string, string> | undefined;
  envVars: Record<string, string> | undefined;
  envProcess: string | undefined;
  limits: FunctionResources | undefined;
  requests: FunctionResources | undefined;
  startTimeoutMs: number;
}

interface HostEntry {
  host: FunctionHost;
  instances: number;
  idle: NodeJS.Timeout | undefined;
}

/** Pools of this process that are still open; one exit handler kills their hosts. */
const livePools = new Set<FunctionHostPool>();
process.on("exit", () => {
  for (const pool of livePools) pool.killAllSync();
});

export class FunctionHostPool {
  readonly user: FunctionUser;
  readonly #opts: FunctionHostPoolOptions;
  readonly #loader: string;
  readonly #hosts = new Map<string, HostEntry>();
  #nextId = 0;
  #closed = false;

  constructor(opts: FunctionHostPoolOptions = {}) {
    this.#opts = opts;
    const loaderPath = createRequire(join(opts.repoRoot ?? REPO_ROOT, "package.json")).resolve("tsx");
    this.#loader = pathToFileURL(loaderPath).href;
    const readable = [...(opts.readablePaths ?? []), fileURLToPath(new URL(".", import.meta.url))];
    this.user = opts.user ?? resolveFunctionUser([...readable, dirname(loaderPath), process.execPath]);
    livePools.add(this);
  }

  /** Makes `p` an instance of its image's host; 400 for a refused variable, before anything is created. */
  place(p: Placement): DenseInstance {
    if (this.#closed) throw new ProtocolError({ field: "", rule: "a gateway that is not closing", status: 503 });
    checkEnvVars(p.envVars);
    const cpu = p.limits?.cpu ?? p.requests?.cpu;
    const maxInflight = p.envVars?.["max_inflight"];
    if (maxInflight !== undefined && !/^[1-9]\d*$/.test(maxInflight)) {
      throw new ProtocolError({ field: "envVars.max_inflight", rule: "a positive integer", value: maxInflight });
    }
    const workDir = createWorkDir(p.name, this.user);
    const env = functionEnvironment({
      workDir,
      gatewayEnv: p.gatewayEnv,
      envVars: p.envVars,
      envProcess: p.envProcess,
    });
    let entry: HostEntry | undefined;
    return DenseInstance.start({
      name: p.name,
      image: p.folder,
      memory: p.limits?.memory ?? p.requests?.memory,
      add: {
        type: "add",
        id: `${p.name}.${++this.#nextId}`,
        env,
        milliCpu: cpu === undefined ? null : (parseCpuQuantity(cpu) ?? null),
        maxInflight: maxInflight === undefined ? null : Number(maxInflight),
      },
      startTimeoutMs: p.startTimeoutMs,
      acquire: async () => {
        entry = this.#acquire(p.handlerPath, p.folder);
        await entry.host.ready;
        return entry.host;
      },
      release: () => {
        removeWorkDir(workDir);
        if (entry !== undefined) this.#release(p.handlerPath, entry);
      },
    });
  }

  /** The host processes, for tests and status: folder, pid and instance count. */
  hosts(): { folder: string; pid: number | undefined; instances: number }[] {
    return [...this.#hosts.values()].map((e) => ({ folder: e.host.folder, pid: e.host.pid, instances: e.instances }));
  }

  /** Stops every host; the gateways' instances fail if they are still deployed. */
  async close(): Promise<void> {
    this.#closed = true;
    livePools.delete(this);
    const entries = [...this.#hosts.values()];
    this.#hosts.clear();
    for (const e of entries) clearTimeout(e.idle);
    await Promise.all(entries.map((e) => e.host.stop(this.#opts.stopGraceMs ?? 5_000)));
  }

  killAllSync(): void {
    for (const e of this.#hosts.values()) e.host.killNowSync();
  }

  #acquire(handlerPath: string, folder: string): HostEntry {
    const current = this.#hosts.get(handlerPath);
    if (current !== undefined && (current.host.status === "starting" || current.host.status === "ready")) {
      clearTimeout(current.idle);
      current.idle = undefined;
      current.instances += 1;
      return current;
    }
    const workDir = createWorkDir(`host-${folder}`, this.user);
    const log = this.#openLog(folder);
    const host = FunctionHost.start({
      folder,
      handlerPath,
      loader: this.#loader,
      cwd: workDir,
      env: { PATH: FUNCTION_PATH, HOME: workDir, TMPDIR: workDir, ...this.#opts.hostEnv },
      uid: this.user.uid,
      gid: this.user.gid,
      startTimeoutMs: this.#opts.startTimeoutMs ?? 60_000,
      log,
    });
    log?.write(
      `--- ${host.startedAt.toISOString()} started the ${folder} host as pid ${host.pid} (${this.user.name})\n`,
    );
    const entry: HostEntry = { host, instances: 1, idle: undefined };
    this.#hosts.set(handlerPath, entry);
    void host.exited.then((exit) => {
      removeWorkDir(workDir);
      if (this.#hosts.get(handlerPath) === entry) this.#hosts.delete(handlerPath);
      clearTimeout(entry.idle);
      log?.end(`--- ${new Date().toISOString()} host exited (code ${exit.code}, signal ${exit.signal})\n`);
    });
    return entry;
  }

  #release(handlerPath: string, entry: HostEntry): void {
    entry.instances -= 1;
    if (entry.instances > 0 || this.#hosts.get(handlerPath) !== entry) return;
    entry.idle = setTimeout(() => {
      if (entry.instances > 0) return;
      this.#hosts.delete(handlerPath);
      void entry.host.stop(this.#opts.stopGraceMs ?? 5_000);
    }, this.#opts.idleMs ?? 30_000);
    entry.idle.unref();
  }

  #openLog(folder: string): WriteStream | undefined {
    if (this.#opts.logsDir === undefined) return undefined;
    const stream = createWriteStream(join(this.#opts.logsDir, `host-${folder}.log`), { flags: "a" });
    stream.on("error", () => undefined);
    return stream;
  }
}
