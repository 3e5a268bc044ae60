/**
 * The `.tar.gz` around a bundle, through the system's GNU tar (no archive library is installed). Creation writes a
 * temporary file next to the target and renames it, so a reader never finds half an archive under the final name.
 */
import { rename, rm } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { execa, ExecaError } from "execa";
import { BundleError } from "./errors.ts";

/** Runs tar; its failure (execa's error: exit code, stderr) becomes a BundleError quoting tar's stderr. */
async function tar(args: string[], what: string): Promise<void> {
  try {
    await execa("tar", args, { stdin: "ignore", stdout: "ignore" });
  } catch (cause) {
    if (!(cause instanceof ExecaError)) throw cause;
    const stderr = String(cause.stderr ?? "").trim();
    throw new BundleError(`tar failed to ${what}${stderr === "" ? "" : `: ${stderr}`}.`, { cause });
  }
}

/** Archives `dir` (as one top-level folder of its own name) into `archive`, atomically. */
export async function createArchive(dir: string, archive: string): Promise<void> {
  const tmp = `${archive}.tmp-${process.pid}`;
  try {
    // Sorted names and fixed owners: the same files give the same member list on any machine.
    await tar(
      ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-czf", tmp, "-C", dirname(dir), basename(dir)],
      `write ${archive}`,
    );
    await rename(tmp, archive);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Extracts `archive` (gzip or xz, detected by tar) into the existing directory `into`. */
export async function extractArchive(archive: string, into: string): Promise<void> {
  await tar(["-xf", archive, "-C", into], `extract ${archive}`);
}
