/**
 * The run manifest: what ran, how it ended, and a SHA-256 of every file the run left, written last and atomically
 * (temp file then rename) so its presence means the run directory is complete. On resume, a published run directory
 * whose record never reached runs.jsonl (a kill between the rename and the append) is recovered from it.
 */
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import type { BatchEffects, RunRecord } from "./types.ts";
import defaultFs from "./default-fs.ts";

export const MANIFEST_FILE = "manifest.json";

export interface Manifest {
  version: 1;
  /** The run record this directory belongs to (params, timings, exit status). */
  record: RunRecord;
  /** Relative path → hex SHA-256, for every file in the run directory except the manifest itself. */
  checksums: Record<string, string>;
}

/** Hex SHA-256 of every file under `dir`, by relative path, sorted. */
export async function checksumDirectory(
  dir: string,
  fs: BatchEffects["fs"] = defaultFs,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (current: string): Promise<void> => {
    const entries = await fs.readdir(current, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && relative(dir, path) !== MANIFEST_FILE && !entry.name.endsWith(".manifest-tmp")) {
        out[relative(dir, path)] = createHash("sha256")
          .update(await fs.readFile(path))
          .digest("hex");
      }
    }
  };
  await walk(dir);
  return out;
}

/** Writes `<runDir>/manifest.json` last and atomically; answers what it wrote. */
export async function writeManifest(
  runDir: string,
  record: RunRecord,
  fs: BatchEffects["fs"] = defaultFs,
): Promise<Manifest> {
  const manifest: Manifest = { version: 1, record, checksums: await checksumDirectory(runDir, fs) };
  const tmp = join(runDir, `${MANIFEST_FILE}.manifest-tmp`);
  await fs.writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await fs.rename(tmp, join(runDir, MANIFEST_FILE));
  return manifest;
}

/** Reads a manifest; null when it is missing or unreadable (then the directory is not a finished run). */
export async function readManifest(runDir: string, fs: BatchEffects["fs"] = defaultFs): Promise<Manifest | null> {
  try {
    const manifest = JSON.parse(await fs.readFile(join(runDir, MANIFEST_FILE), "utf8")) as Manifest;
    return manifest.version === 1 && typeof manifest.record?.runKey === "string" ? manifest : null;
  } catch {
    return null;
  }
}
