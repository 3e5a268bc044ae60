/**
 * A fixed pool of worker threads that transcode events files (transcode-file.ts) in parallel: `run` queues a job
 * and resolves with its result; `close` ends the workers. One worker per core by default: transcoding is CPU-bound
 * and the main thread mostly waits. Starting a worker costs about a second (it loads tsx), so one pool serves the
 * whole process: {@link sharedPool}. Idle workers do not keep the process alive.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { EVENT_COLUMNS } from "../event-columns.ts";
import type { TranscodeJob, TranscodeResult } from "./transcode-file.ts";

interface Pending {
  job: TranscodeJob;
  resolve: (r: TranscodeResult) => void;
  reject: (e: Error) => void;
}

export class TranscodePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private readonly workers: Worker[] = [];
  private closed = false;

  constructor(size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url), {
        workerData: { columns: EVENT_COLUMNS },
      });
      worker.on("message", (msg: { ready?: true; error?: string; result?: TranscodeResult }) => {
        if (msg.ready) {
          // unref only once loaded: a worker still loading tsx holds the process alive whatever was asked before
          if (!this.busy.has(worker)) worker.unref();
          this.idle.push(worker);
          this.pump();
          return;
        }
        const pending = this.busy.get(worker);
        this.busy.delete(worker);
        worker.unref();
        if (pending !== undefined) {
          if (msg.error !== undefined) pending.reject(new Error(msg.error));
          else pending.resolve(msg.result!);
        }
        this.idle.push(worker);
        this.pump();
      });
      worker.on("error", (err) => this.fail(worker, err));
      worker.on("exit", (code) => {
        if (!this.closed) this.fail(worker, new Error(`A transcoding worker exited with code ${code}.`));
      });
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(job: TranscodeJob): Promise<TranscodeResult> {
    if (this.closed) return Promise.reject(new Error("The transcoding pool is closed."));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error("The transcoding pool was closed."));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.ref(); // a job in flight keeps the process alive; an idle pool does not
      worker.postMessage(pending.job); // one job per worker at a time: the answer is this job's
    }
  }

  /** A worker that crashed fails its job; the pool goes on with the others (and fails all if none is left). */
  private fail(worker: Worker, err: Error): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    pending?.reject(err);
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers.splice(i, 1);
    const j = this.idle.indexOf(worker);
    if (j >= 0) this.idle.splice(j, 1);
    if (this.workers.length === 0) {
      for (const p of this.queue.splice(0)) p.reject(err);
    }
  }
}

const shared = new Map<number, TranscodePool>();

/** The process's pool of `size` workers (default one per core), started on first use, restarted if it failed. */
export function sharedPool(size = availableParallelism()): TranscodePool {
  let pool = shared.get(size);
  if (pool === undefined || pool.size === 0) {
    pool = new TranscodePool(size);
    shared.set(size, pool);
  }
  return pool;
}
