/**
 * Golden text files (command transcripts, domain XML) for the VM and netem tests, next to the test that owns
 * them. Like `fake/golden.ts`, they are rewritten only when the tests run with `GIRAFF_UPDATE_GOLDEN=1`, and a
 * missing one fails, so a change in generated commands is always a reviewed diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UPDATE_GOLDEN_ENV } from "../../fake/golden.ts";

export { UPDATE_GOLDEN_ENV };

/** Throws unless `text` equals the file at `path`; writes it instead when `GIRAFF_UPDATE_GOLDEN=1`. */
export function expectGoldenText(path: string, text: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env[UPDATE_GOLDEN_ENV] === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`The golden file ${path} is missing; run the tests with ${UPDATE_GOLDEN_ENV}=1, then review it.`);
  }
  const expected = readFileSync(path, "utf8");
  if (expected !== text) {
    const lines = text.split("\n");
    const at = expected.split("\n").findIndex((line, i) => line !== lines[i]);
    throw new Error(
      `${path} differs at line ${at + 1}: expected ${JSON.stringify(expected.split("\n")[at])}, got ` +
        `${JSON.stringify(lines[at])}. If intended, rerun with ${UPDATE_GOLDEN_ENV}=1 and review the diff.`,
    );
  }
}
