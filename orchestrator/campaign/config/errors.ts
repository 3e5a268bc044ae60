/**
 * The one error class of campaign configuration. It extends the runtime's {@link ConfigError} (same `field`), and
 * adds what a person needs to fix the file without reading code: which file, which variable, which value, which
 * rule, plus the exit code the CLI ends with (2, "bad usage", like zx and execa's CLIs).
 */
import { ConfigError } from "../../../runtime/protocol/errors.ts";

export interface CampaignConfigErrorFields {
  /** Where the value came from: a path such as `experiments/x/.env`, or `environment` for `GIRAFF_…` variables. */
  file?: string | undefined;
  /** The variable as written in that file (or the environment), e.g. `SIZE_MULTIPLIERS` or `GIRAFF_NB_REPETITIONS`. */
  variable?: string | undefined;
  /** The offending text, as read. */
  value?: string | undefined;
  /** The rule in words: "a space-separated list of positive integers". */
  rule: string;
  cause?: unknown;
}

export class CampaignConfigError extends ConfigError {
  override name = "CampaignConfigError";
  /** Exit code for the CLI: configuration errors are usage errors. */
  readonly exitCode = 2;
  readonly file: string | undefined;
  readonly variable: string | undefined;
  readonly value: string | undefined;
  readonly rule: string;

  /** `message` replaces the generated sentence when the rule reads better as a sentence of its own. */
  constructor(fields: CampaignConfigErrorFields, message?: string) {
    super(fields.variable ?? "", message ?? sentence(fields), { cause: fields.cause });
    this.file = fields.file;
    this.variable = fields.variable;
    this.value = fields.value;
    this.rule = fields.rule;
  }
}

export function isCampaignConfigError(e: unknown): e is CampaignConfigError {
  return e instanceof CampaignConfigError;
}

/** "experiments/x/.env: `SIZE_MULTIPLIERS` must be a space-separated list of positive integers, got "1 two"." */
function sentence({ file, variable, value, rule }: CampaignConfigErrorFields): string {
  const where = file === undefined ? "" : `${file}: `;
  const what = variable === undefined ? "The campaign" : `\`${variable}\``;
  const got = value === undefined ? "" : `, got ${JSON.stringify(value)}`;
  return `${where}${what} must be ${rule}${got}.`;
}
