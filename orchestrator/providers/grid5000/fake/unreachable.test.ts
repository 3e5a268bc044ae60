/**
 * The fake API must never be reachable from a real run: no file outside tests, `testing/` helpers and `fake/` itself
 * may import from `fake/`. Checked over every TypeScript and JavaScript source of the repository, so a new import
 * anywhere (a provider step, a script) fails here rather than letting a campaign talk to the fake.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const FAKE_DIR = import.meta.dirname;
const ROOT = resolve(FAKE_DIR, "..", "..", "..", "..");
const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", "runs", "coverage"]);

/** Test code: tests, helpers in `testing/` folders or `testing.ts` files, and the fake itself. */
function isTestCode(path: string): boolean {
  const parts = relative(ROOT, path).split(sep);
  return (
    /\.test\.[cm]?[jt]s$/.test(path) ||
    basename(path) === "testing.ts" ||
    parts.includes("testing") ||
    path.startsWith(FAKE_DIR + sep)
  );
}

/** The relative imports of `text` (a file at `path`) that resolve into `fake/`. */
function fakeImports(path: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.filter((s) => {
    const target = resolve(dirname(path), s);
    return target === FAKE_DIR || target.startsWith(FAKE_DIR + sep);
  });
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.[cm]?[jt]s$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

describe("fake/ is reachable from tests only", () => {
  it("finds an import of fake/ in a production file (the check can fail)", () => {
    const step = join(ROOT, "orchestrator/providers/grid5000/provider/steps/reserve.ts");
    expect(isTestCode(step)).toBe(false);
    expect(fakeImports(step, `import { startFakeGrid5000 } from "../../fake/index.ts";`)).toEqual([
      "../../fake/index.ts",
    ]);
    expect(fakeImports(step, `import { reserve } from "../../api/index.ts";`)).toEqual([]);
  });

  it("no file a real run loads imports fake/", () => {
    const files = sources(ROOT).filter((f) => !isTestCode(f));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((f) =>
      fakeImports(f, readFileSync(f, "utf8")).map((s) => `${relative(ROOT, f)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });
});
