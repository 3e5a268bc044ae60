/**
 * The snapshot rule of STYLE.md principle 14, for tests: compare a normalised SVG with
 * `__snapshots__/<name>.svg`; on a mismatch write `<name>-changed.svg` beside it (CI uploads it) and fail; a
 * missing snapshot is written and passes locally, but fails under `CI=true` so CI never approves its own output.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { normalizeSvg } from "./normalize-svg.ts";

export const SNAPSHOT_DIR = fileURLToPath(new URL("./__snapshots__/", import.meta.url));

export type SnapshotResult = "matched" | "created";

export interface SnapshotOptions {
  dir?: string;
  /** Default: `process.env.CI === "true"`. */
  ci?: boolean;
}

/** Throws when `svg` differs from the snapshot `name`, or when it is missing under CI. */
export function assertSnapshot(name: string, svg: string, options: SnapshotOptions = {}): SnapshotResult {
  const dir = options.dir ?? SNAPSHOT_DIR;
  const ci = options.ci ?? process.env.CI === "true";
  const expectedPath = join(dir, `${name}.svg`);
  const changedPath = join(dir, `${name}-changed.svg`);
  const actual = normalizeSvg(svg);
  if (!existsSync(expectedPath)) {
    if (ci) throw new Error(`Missing snapshot ${expectedPath}: generate it locally (npx vitest run) and commit it.`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(expectedPath, actual);
    return "created";
  }
  if (normalizeSvg(readFileSync(expectedPath, "utf8")) === actual) {
    rmSync(changedPath, { force: true });
    return "matched";
  }
  writeFileSync(changedPath, actual);
  throw new Error(
    `${name}: the SVG differs from ${expectedPath}; the new one is ${changedPath}. ` +
      `If the change is intended, move it over the snapshot.`,
  );
}
