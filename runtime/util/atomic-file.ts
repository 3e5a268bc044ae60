/**
 * Checkpoints and hand-offs written so that a reader never sees half a file and a crash never leaves one: through
 * write-file-atomic (npm's own writer: a temporary file beside the target, fsync, rename over it, the temporary
 * file removed when the write fails or the process exits mid-way). The folder is created first.
 */
import { mkdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";

/** `value` as pretty JSON with a final newline, the form every JSON file of a campaign has. */
export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export async function writeFileAtomically(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, data);
}

export function writeFileAtomicallySync(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic.sync(path, data);
}

export const writeJsonAtomically = (path: string, value: unknown): Promise<void> =>
  writeFileAtomically(path, jsonText(value));

export const writeJsonAtomicallySync = (path: string, value: unknown): void =>
  writeFileAtomicallySync(path, jsonText(value));
