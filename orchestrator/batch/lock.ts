/**
 * One batch per campaign directory at a time: two invocations appending to the same joblog would each rerun the
 * other's runs. The lock file holds the owner's pid; a lock left by a dead process (a SIGKILL) is taken over.
 */
import { join } from "node:path";
import { BatchError } from "./errors.ts";
import type { BatchEffects } from "./types.ts";
import { isAlive } from "../../runtime/util/is-alive.ts";

export const LOCK_FILE = "batch.lock";

/** Takes the lock on `dir`; answers the function that releases it. */
export async function acquireLock(dir: string, fs: BatchEffects["fs"]): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let tries = 0; ; tries++) {
    try {
      const handle = await fs.open(path, "wx");
      await handle.write(`${process.pid}\n`);
      await handle.close();
      return () => fs.rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || tries > 0) throw err;
    }
    const owner = Number((await fs.readFile(path, "utf8").catch(() => "")).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new BatchError(
        `Another batch (pid ${owner}) is running in ${dir}; wait for it to finish or stop it, then run this again.`,
        { value: owner },
      );
    }
    if (owner === process.pid) {
      throw new BatchError(`This process is already running a batch in ${dir}; run one batch per directory at a time.`);
    }
    await fs.rm(path, { force: true });
  }
}
