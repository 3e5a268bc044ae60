/**
 * The shared Dockerfile copies only what the functions import (to keep images small): every file a function's
 * `index.ts` reaches through relative imports, outside its own folder, must be among its COPY lines, or the image
 * builds and then fails at its first request.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const FUNCTIONS = readdirSync(join(ROOT, "functions"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, "functions", d.name, "index.ts")))
  .map((d) => d.name);

/** Repository-relative paths of every file `entry` reaches through relative imports (type imports included). */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = readFileSync(join(ROOT, entry), "utf8");
  for (const m of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    reachable(relative(ROOT, resolve(dirname(join(ROOT, entry)), m[1]!)), seen);
  }
  return seen;
}

/** The files and folders the Dockerfile's COPY lines take from the build context, with FUNCTION set. */
function copied(fn: string): string[] {
  const dockerfile = readFileSync(join(ROOT, "functions", "Dockerfile"), "utf8");
  return [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
    m[1]!.split(/\s+/).map((p) => p.replaceAll("${FUNCTION}", fn)),
  );
}

describe("functions/Dockerfile", () => {
  it.each(FUNCTIONS)("copies every file functions/%s imports", (fn) => {
    const sources = copied(fn);
    const missing = [...reachable(`functions/${fn}/index.ts`)].filter(
      (file) => !sources.some((s) => (s.endsWith("/") ? file.startsWith(s) : file === s)),
    );
    expect(missing).toEqual([]);
  });
});
