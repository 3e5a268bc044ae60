/**
 * Walking a directory tree into sorted relative paths, shared by the copy, the secret scan and the checksums so
 * all three see the same files in the same order (byte order, so `SHA256SUMS` is stable across locales).
 */
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Every regular file under `dir`, as `/`-separated paths relative to it, sorted; symlinks are not followed. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(relative(dir, path).split(sep).join("/"));
    }
  };
  await walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A dotenv file by name (`.env`, `.env.local`, `.envrc` …): never copied into a bundle. */
export function isEnvFile(name: string): boolean {
  return name.startsWith(".env");
}
