/**
 * Every function's `handler.ts` is a factory configured only from the environment object it is given: a dense host
 * runs many instances in one process, so a handler (or a module of its folder that it imports) reading `process.env`
 * would see the host's environment instead of its instance's, and every instance would share it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const HANDLERS = readdirSync(join(ROOT, "functions"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, "functions", d.name, "index.ts")))
  .map((d) => `functions/${d.name}/handler.ts`);

/** The files of `folder` that `entry` reaches through relative imports, `entry` included. */
function localModules(entry: string, folder: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry) || !entry.startsWith(folder)) return seen;
  seen.add(entry);
  const source = readFileSync(join(ROOT, entry), "utf8");
  for (const m of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    localModules(relative(ROOT, resolve(dirname(join(ROOT, entry)), m[1]!)), folder, seen);
  }
  return seen;
}

/** Code without its comments, so that a comment may explain why `process.env` is not read. */
const code = (file: string) => readFileSync(join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");

describe("function factories", () => {
  it.each(HANDLERS)("%s exists and exports createFunction", (handler) => {
    expect(existsSync(join(ROOT, handler))).toBe(true);
    expect(code(handler)).toMatch(/export function createFunction\(/);
  });

  it.each(HANDLERS)("%s and the modules of its folder it imports never read process.env", (handler) => {
    const readers = [...localModules(handler, dirname(handler))].filter((f) => /\bprocess\s*\.\s*env\b/.test(code(f)));
    expect(readers).toEqual([]);
  });

  it("the functions' shared library reads process.env only in the standalone entry points", () => {
    const source = code("functions/lib/contract.ts");
    const uses = [...source.matchAll(/process\s*\.\s*env/g)].length;
    // serveFunction's default argument and serveStandalone's createFunction(process.env)
    expect(uses).toBe(2);
  });
});
