/**
 * Keeping `.env` secrets out of a bundle. `.env*` files are never copied, but a password can still leak through
 * a log line or a resolved config, so every text file of the staged bundle is searched for the values of the
 * campaign folder's secret-looking variables. Findings name the file and the variable, never the value: the
 * message itself ends up in terminals and CI logs.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDotenv } from "../campaign/config/dotenv.ts";
import { BundleError } from "./errors.ts";
import { isEnvFile, listFiles } from "./files.ts";

/** Variable names treated as secrets. */
export const SECRET_NAME = /PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH/i;
/**
 * Shorter values are not searched: a 1–3 character value ("1", "yes") matches nearly every file, and is too short
 * to be a real credential. Documented in README.md.
 */
export const MIN_SECRET_LENGTH = 4;

export interface SecretVariable {
  /** The `.env*` file it came from, relative to the campaign folder. */
  file: string;
  name: string;
  value: string;
}

export interface SecretHit {
  /** The bundle file that contains the value, relative to the bundle. */
  file: string;
  variable: string;
  envFile: string;
}

/** The secret-looking variables of every `.env*` file under the campaign folder (at any depth). */
export async function readSecretVariables(campaignDir: string): Promise<SecretVariable[]> {
  const out: SecretVariable[] = [];
  for (const file of await listFiles(campaignDir)) {
    if (!isEnvFile(file.split("/").at(-1)!)) continue;
    let vars: Record<string, string>;
    try {
      vars = parseDotenv(await readFile(join(campaignDir, file), "utf8"));
    } catch (cause) {
      // Without its values we cannot prove the bundle is clean; the parser's message quotes a line, so not shown.
      throw new BundleError(`Cannot read ${file} to check the bundle for its secrets; fix the file and retry.`, {
        exitCode: 2,
        cause,
      });
    }
    for (const [name, value] of Object.entries(vars)) {
      if (SECRET_NAME.test(name) && value.length >= MIN_SECRET_LENGTH) out.push({ file, name, value });
    }
  }
  return out;
}

/** A file with no NUL byte in its first 8 KiB is text (what git and grep assume). */
function isText(bytes: Buffer): boolean {
  return !bytes.subarray(0, 8192).includes(0);
}

/** Every (text file, variable) pair of `dir` whose file contains the variable's value. */
export async function scanForSecrets(dir: string, secrets: readonly SecretVariable[]): Promise<SecretHit[]> {
  if (secrets.length === 0) return [];
  const hits: SecretHit[] = [];
  for (const file of await listFiles(dir)) {
    const bytes = await readFile(join(dir, file));
    if (!isText(bytes)) continue;
    for (const s of secrets) {
      if (bytes.includes(s.value)) hits.push({ file, variable: s.name, envFile: s.file });
    }
  }
  return hits;
}

/** Throws exit 2 with one sentence per hit when any file holds a secret value. */
export function assertNoSecrets(hits: readonly SecretHit[]): void {
  if (hits.length === 0) return;
  const problems = hits.map((h) => `${h.file} contains the value of ${h.variable} (from ${h.envFile}).`);
  throw new BundleError(`Refusing to bundle: ${problems.join(" ")} Remove it from the campaign and retry.`, {
    exitCode: 2,
    problems,
  });
}
