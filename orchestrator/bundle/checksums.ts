/**
 * `SHA256SUMS`: one `<hex>  <path>` line per file of the bundle, the format `sha256sum -c` reads, so a bundle can
 * be checked without this repository. Checking reports every problem by file name rather than stopping at the
 * first, so a reader sees at once whether one file or the whole bundle was altered.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listFiles } from "./files.ts";

export const SUMS_FILE = "SHA256SUMS";

/** Hex SHA-256 of a file, streamed (event files and the database can be large). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Writes `<dir>/SHA256SUMS` over every other file under `dir`; answers how many files it lists. */
export async function writeSha256Sums(dir: string): Promise<number> {
  const files = (await listFiles(dir)).filter((f) => f !== SUMS_FILE);
  const lines: string[] = [];
  for (const file of files) lines.push(`${await sha256File(join(dir, file))}  ${file}`);
  await writeFile(join(dir, SUMS_FILE), lines.map((l) => `${l}\n`).join(""));
  return files.length;
}

export interface SumsCheck {
  /** Files listed and matching. */
  ok: number;
  /** One sentence per problem, naming the file: missing, different, not listed, or a malformed line. */
  problems: string[];
}

/** Checks every line of `<dir>/SHA256SUMS`, and that no file of the bundle is missing from it. */
export async function checkSha256Sums(dir: string): Promise<SumsCheck> {
  const sumsPath = join(dir, SUMS_FILE);
  if (!existsSync(sumsPath)) return { ok: 0, problems: [`${SUMS_FILE} is missing: this is not a bundle.`] };
  const listed = new Set<string>();
  const problems: string[] = [];
  let ok = 0;
  const lines = (await readFile(sumsPath, "utf8")).split("\n").filter((l) => l !== "");
  for (const [i, line] of lines.entries()) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match === null) {
      problems.push(`${SUMS_FILE} line ${i + 1} is not "<sha256>  <path>".`);
      continue;
    }
    const [, expected, file] = match as unknown as [string, string, string];
    listed.add(file);
    if (file.startsWith("/") || file.split("/").includes("..")) {
      problems.push(`${file} in ${SUMS_FILE} points outside the bundle.`);
      continue;
    }
    const path = join(dir, file);
    if (!existsSync(path)) problems.push(`${file} is listed in ${SUMS_FILE} but missing.`);
    else if ((await sha256File(path)) !== expected) problems.push(`${file} does not match its SHA-256.`);
    else ok++;
  }
  for (const file of await listFiles(dir)) {
    if (file !== SUMS_FILE && !listed.has(file)) problems.push(`${file} is not listed in ${SUMS_FILE}.`);
  }
  return { ok, problems };
}
