/**
 * One report build at a time per checkout. Framework keeps its loaders' cache in `src/.observablehq/cache`, shared by
 * every build of this checkout: two builds at once empty and fill it under each other, which fails one of them, or
 * worse, gives one campaign's report another campaign's data. A build therefore holds `notebooks/.build.lock`
 * (created exclusively, holding its pid); a second build waits for it and says so, and a lock whose process is dead
 * (a build killed mid-way) is taken over.
 */
import { open, readFile, rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "../runtime/util/is-alive.ts";

export async function withBuildLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  {
    onWait = (pid: number) => console.error(`Waiting for another report build (pid ${pid}) to finish…`),
    pollMs = 200,
  } = {},
): Promise<T> {
  let waitingFor: number | null = null;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
    if (!Number.isInteger(owner) || owner <= 0 || !isAlive(owner)) {
      // a torn or stale lock: its build is gone. Removing it races only with another taker, and `wx` settles that.
      await rm(lockPath, { force: true });
      continue;
    }
    if (waitingFor !== owner) onWait(owner);
    waitingFor = owner;
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
