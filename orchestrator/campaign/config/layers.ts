/**
 * Reading one source of variables (a dotenv file, or the environment's `GIRAFF_…` variables) into a typed layer.
 * Each value keeps where it came from, so later cross-field rules can still name the file and the variable.
 * Layers are merged later: campaign `.env`, then a variation file, then the environment, the last one winning.
 */
import { DotenvSyntaxError, parseDotenv } from "./dotenv.ts";
import { CampaignConfigError } from "./errors.ts";
import { parseKind, type Kind } from "./kinds.ts";
import { GIRAFF_IGNORED_VARIABLES, isVariableName, VARIABLES } from "./variables.ts";
import type { VariableName, VariableValues } from "./variables.ts";

/** A parsed value and its origin. */
export interface Setting<T> {
  value: T;
  /** The text as read. */
  text: string;
  /** Display path of the file, or `environment`. */
  file: string;
  /** The name as written there (`GIRAFF_X` in the environment). */
  variable: string;
}

export type Layer = { [K in VariableName]?: Setting<VariableValues[K]> };

/** A variable that was read but not used: not an error, so GIRAFF's own files (with extra variables) still load. */
export interface CampaignWarning {
  file: string;
  variable: string;
  message: string;
}

/** The prefix that lets the environment override a campaign variable: `GIRAFF_EXPERIMENT_DURATION=30`. */
export const ENV_PREFIX = "GIRAFF_";

/** The variables of a dotenv file. `scope: "variation"` rejects variables that only the campaign `.env` may set. */
export function readFileLayer(
  text: string,
  file: string,
  scope: "campaign" | "variation",
  warnings: CampaignWarning[],
): Layer {
  let entries: Record<string, string>;
  try {
    entries = parseDotenv(text);
  } catch (e) {
    if (!(e instanceof DotenvSyntaxError)) throw e;
    const rule = "a dotenv file (KEY=value lines, # comments)";
    // the parser's message names the line and the variable, never a value: the file may hold passwords
    throw new CampaignConfigError({ file, rule, cause: e }, `${file}: ${e.message} (${rule}).`);
  }
  const layer: Layer = {};
  for (const [name, value] of Object.entries(entries)) {
    if (!isVariableName(name)) {
      warnings.push(unknownVariable(file, name, name));
      continue;
    }
    if (scope === "variation" && VARIABLES[name].scope === "campaign") {
      const rule = "set in the campaign's .env only, since it shapes the run matrix or the deployment";
      throw new CampaignConfigError({ file, variable: name, value, rule });
    }
    setValue(layer, name, value, file, name);
  }
  return layer;
}

/** The `GIRAFF_…` variables of `env`; any other environment variable is ignored (STYLE principle 8). */
export function readEnvLayer(env: Readonly<Record<string, string | undefined>>, warnings: CampaignWarning[]): Layer {
  const layer: Layer = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(ENV_PREFIX) || value === undefined) continue;
    const name = key.slice(ENV_PREFIX.length);
    if (isVariableName(name)) setValue(layer, name, value, "environment", key);
    else warnings.push(unknownVariable("environment", key, name));
  }
  return layer;
}

function setValue(layer: Layer, name: VariableName, text: string, file: string, variable: string): void {
  const kind: Kind<unknown> = VARIABLES[name].kind;
  const isList = kind.rule.startsWith("a space-separated list");
  // An empty scalar is unset (GIRAFF's `.env.2` leaves counts empty); an empty list is the empty list.
  if (text.trim() === "" && !isList) return;
  const value = parseKind(kind, text);
  if (value === undefined) throw new CampaignConfigError({ file, variable, value: text, rule: kind.rule });
  (layer as Record<string, Setting<unknown>>)[name] = { value, text, file, variable };
}

function unknownVariable(file: string, variable: string, name: string): CampaignWarning {
  const message = GIRAFF_IGNORED_VARIABLES.has(name)
    ? `\`${variable}\` is a GIRAFF variable with no effect in GIRAFF-TS; ignored.`
    : `\`${variable}\` is not a campaign variable; ignored.`;
  return { file, variable, message };
}
