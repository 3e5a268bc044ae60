/**
 * Where test-only code lives: helpers and fixtures that only tests use sit in a `testing/` folder next to the code
 * they serve (runtime/testing/, orchestrator/batch/testing/, …), fakes of what cannot run here in a folder named
 * `fake/`, and no production module imports either. A helper found elsewhere, or a production import of one, is
 * reported with the file and the rule.
 */
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";

const ROOT = import.meta.dirname;

/** Code that only tests, benchmarks or fakes run: it may import test helpers. */
const testSide = (file: string) =>
  /\.test\.ts$/.test(file) || /(^|\/)(testing|fake)\//.test(file) || file.startsWith("bench/");

/** Names that say "test helper": they belong in a testing/ folder. */
const HELPER_NAME = /(^|\/)(test-[^/]*|testing|test-helpers|test-fixtures[^/]*)\.(ts|js|mjs)$/;

export function conventionProblems(sources: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [file, source] of sources) {
    if (HELPER_NAME.test(file) && !/(^|\/)testing\//.test(file)) {
      problems.push(`${file}: a test helper's name outside a testing/ folder; move it into <folder>/testing/.`);
    }
    if (testSide(file)) continue;
    for (const m of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = normalize(join(dirname(file), m[1]!));
      if (/(^|\/)(testing|fake)\//.test(target)) {
        problems.push(`${file}: production code imports ${target}; test helpers and fakes are for tests only.`);
      }
    }
  }
  return problems;
}

function repositorySources(): Map<string, string> {
  const listed = execaSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.js", "*.mjs"], {
    cwd: ROOT,
  }).stdout.split("\n");
  const sources = new Map<string, string>();
  for (const file of listed) {
    try {
      sources.set(file, readFileSync(join(ROOT, file), "utf8"));
    } catch {
      // deleted in the working tree, not yet in the index
    }
  }
  return sources;
}

describe("test helpers live in testing/ folders", () => {
  it("holds for the repository", () => {
    expect(conventionProblems(repositorySources())).toEqual([]);
  });

  it("reports a helper outside testing/ and a production import of one", () => {
    const problems = conventionProblems(
      new Map([
        ["orchestrator/batch/test-helpers.ts", ""],
        ["orchestrator/batch/run-batch.ts", 'import { fixture } from "./testing/helpers.ts";'],
        ["orchestrator/batch/run-batch.test.ts", 'import { fixture } from "./testing/helpers.ts";'],
        ["bench/run.ts", 'import { waitUntil } from "../runtime/testing/wait.ts";'],
      ]),
    );
    expect(problems).toEqual([
      "orchestrator/batch/test-helpers.ts: a test helper's name outside a testing/ folder; move it into <folder>/testing/.",
      "orchestrator/batch/run-batch.ts: production code imports orchestrator/batch/testing/helpers.ts; test helpers and fakes are for tests only.",
    ]);
  });
});
