/**
 * Golden request bodies (grid5000.md §6.2, contract tests): the exact bodies the provider builds for a plan are
 * kept as JSON under `fake/golden/` and compared on every run. They change only when someone runs the tests with
 * `GIRAFF_UPDATE_GOLDEN=1` and reviews the diff; a missing golden fails rather than being written silently.
 * Files are written as Prettier formats them, so `npm test`'s format check passes after a regeneration.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { format, resolveConfig } from "prettier";

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "golden");
export const UPDATE_GOLDEN_ENV = "GIRAFF_UPDATE_GOLDEN";

/** Throws unless `value` (as JSON) equals `golden/<name>.json`; rewrites the file when the env var is `1`. */
export async function expectGolden(name: string, value: unknown, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = join(GOLDEN_DIR, `${name}.json`);
  const actual = JSON.parse(JSON.stringify(value)) as unknown;
  if (env[UPDATE_GOLDEN_ENV] === "1") {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    const options = (await resolveConfig(path)) ?? {};
    writeFileSync(path, await format(JSON.stringify(actual), { ...options, filepath: path }));
    return;
  }
  if (!existsSync(path)) {
    throw new Error(
      `The golden file ${path} is missing; run the tests with ${UPDATE_GOLDEN_ENV}=1 to write it, then review it.`,
    );
  }
  const expected = JSON.parse(readFileSync(path, "utf8")) as unknown;
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(
      `The request bodies differ from ${path}; if the change is intended, rerun with ${UPDATE_GOLDEN_ENV}=1 and review ` +
        `the diff.\nActual:\n${JSON.stringify(actual, null, 2).slice(0, 4000)}`,
    );
  }
}
