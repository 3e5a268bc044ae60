/**
 * Where the Grid'5000 API login comes from, in this order: the process environment (`G5K_USER` and `G5K_PASSWORD`,
 * e.g. from a CI secret or the shell), then `~/.python-grid5000.yaml` (`username:` and `password:`, the file
 * python-grid5000 and EnOSlib read, so a researcher who already uses them has nothing to set). Never from the
 * campaign's `.env`: it is tracked by git, so a password there is ignored with a warning that says where it belongs.
 * The campaign's `.env` may name the login (`G5K_USER`), which is not a secret.
 *
 * The pure core takes the sources as values; `readPythonGrid5000Yaml` is the one effect (a file read, synchronous:
 * settings are read once, before anything starts).
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import type { Env } from "../../../../runtime/util/env-vars.ts";
import type { Grid5000Auth } from "../api/index.ts";

export const PYTHON_GRID5000_FILE = ".python-grid5000.yaml";

export interface CredentialSources {
  /** The campaign's `.env`, a tracked file: its `G5K_USER` counts, its `G5K_PASSWORD` never does. */
  campaign: Env;
  /** The process environment. */
  environment: Env;
  /** `~/.python-grid5000.yaml`, or undefined when there is none. `mode` is the file's permission bits. */
  pythonGrid5000: { path: string; text: string; mode: number } | undefined;
}

export interface Grid5000Credentials {
  auth: Extract<Grid5000Auth, { mode: "basic" }>;
  /** Where the password came from, for the log: "the environment" or the file's path. Never the password. */
  source: string;
  warnings: string[];
}

const set = (v: string | undefined): v is string => v !== undefined && v !== "";

/** The login for the API outside Grid'5000; a ConfigError naming the sources when there is none. */
export function grid5000Credentials(sources: CredentialSources): Grid5000Credentials {
  const warnings: string[] = [];
  if (set(sources.campaign.G5K_PASSWORD)) {
    warnings.push(
      "The campaign's .env sets G5K_PASSWORD; it is ignored, because .env is tracked by git. Put the password in " +
        `~/${PYTHON_GRID5000_FILE} (username: and password:, chmod 600), or in the environment, and remove it from .env.`,
    );
  }
  const env = sources.environment;
  if (set(env.G5K_PASSWORD)) {
    const username = env.G5K_USER ?? sources.campaign.G5K_USER;
    if (!set(username)) {
      throw new ConfigError("G5K_USER", "G5K_PASSWORD is set in the environment but G5K_USER is not: set both.");
    }
    const source = "the environment";
    return { auth: { mode: "basic", username, password: env.G5K_PASSWORD, source }, source, warnings };
  }
  const file = sources.pythonGrid5000;
  if (file !== undefined) {
    let doc: unknown;
    try {
      doc = parseYaml(file.text);
    } catch (err) {
      // the YAML parser quotes the offending line, which may hold the password: report only where it is
      const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
      throw new ConfigError(
        "G5K_PASSWORD",
        `${file.path} is not valid YAML${line === undefined ? "" : ` (line ${line})`}; python-grid5000 expects ` +
          "`username: <login>` and `password: <password>` lines.",
      );
    }
    const fields = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
    const username = typeof fields.username === "string" ? fields.username : sources.campaign.G5K_USER;
    const password = fields.password;
    if (!set(username) || typeof password !== "string" || password === "") {
      throw new ConfigError(
        "G5K_PASSWORD",
        `${file.path} has no ${set(username) ? "password" : "username"}; python-grid5000 expects ` +
          "`username: <login>` and `password: <password>` lines.",
      );
    }
    if ((file.mode & 0o077) !== 0) {
      warnings.push(`${file.path} can be read by other users (mode ${(file.mode & 0o777).toString(8)}): chmod 600 it.`);
    }
    return { auth: { mode: "basic", username, password, source: file.path }, source: file.path, warnings };
  }
  throw new ConfigError(
    "G5K_PASSWORD",
    "No Grid'5000 login: set G5K_USER and G5K_PASSWORD in the environment, or write " +
      `~/${PYTHON_GRID5000_FILE} with \`username: <login>\` and \`password: <password>\` (chmod 600), as ` +
      "python-grid5000 and EnOSlib read it. The campaign's .env is tracked by git and never holds the password.",
  );
}

/** Reads `~/.python-grid5000.yaml` (or `home`'s); undefined when it does not exist. */
export function readPythonGrid5000Yaml(home = homedir()): CredentialSources["pythonGrid5000"] {
  const path = join(home, PYTHON_GRID5000_FILE);
  try {
    return { path, text: readFileSync(path, "utf8"), mode: statSync(path).mode };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
