/**
 * A run writes into `<dir>/<key>.tmp-<pid>` and the directory becomes `<dir>/<key>` only when the run succeeded, by
 * one rename, so a directory named after a run key is always complete. A failure leaves `<dir>/<key>.err` with an
 * `error.json`; a process killed mid-run leaves its temporary directory, which `removeStaleRunDirectories` clears.
 */
import { join } from "node:path";
import type { BatchEffects } from "./types.ts";
import { isAlive } from "../../runtime/util/is-alive.ts";
import defaultFs from "./default-fs.ts";

export interface RunDirectoryOptions {
  fs?: BatchEffects["fs"];
  /** Owner of the temporary directory; the current process by default. */
  pid?: number;
}

/** Runs `fn` in a fresh temporary run directory and publishes it atomically as `<dir>/<key>` on success. */
export async function withRunDirectory<T>(
  dir: string,
  key: string,
  fn: (runDir: string) => Promise<T>,
  opts: RunDirectoryOptions = {},
): Promise<T> {
  const fs = opts.fs ?? defaultFs;
  const tmp = join(dir, `${key}.tmp-${opts.pid ?? process.pid}`);
  const done = join(dir, key);
  const failed = join(dir, `${key}.err`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  let result: T;
  try {
    result = await fn(tmp);
  } catch (err) {
    const error =
      err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { message: String(err) };
    await fs.writeFile(join(tmp, "error.json"), `${JSON.stringify({ key, ...error }, null, 2)}\n`);
    await fs.rm(failed, { recursive: true, force: true });
    await fs.rename(tmp, failed);
    throw err;
  }
  // rename(2) onto an existing non-empty directory fails, which is what we want: never clobber a finished run.
  await fs.rename(tmp, done);
  await fs.rm(failed, { recursive: true, force: true });
  return result;
}

/**
 * Removes `<key>.tmp-<pid>` directories left by dead processes (and by this one, which calls this before starting any
 * run). Answers the removed names.
 */
export async function removeStaleRunDirectories(dir: string, fs: BatchEffects["fs"] = defaultFs): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = /\.tmp-(\d+)$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && isAlive(pid)) continue;
    await fs.rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
