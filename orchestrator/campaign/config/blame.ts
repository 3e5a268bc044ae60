/**
 * Error helpers for rules that involve a setting already parsed: they name the setting's file, variable and text,
 * and, for cross-field rules, the other setting and where it came from.
 */
import { DEFAULT_SOURCE } from "./defaults.ts";
import { CampaignConfigError } from "./errors.ts";
import type { Setting } from "./layers.ts";

/** "experiments/x/.env: `V` must be <rule>, got "text"." */
export function settingError(s: Setting<unknown>, rule: string): CampaignConfigError {
  return new CampaignConfigError({ file: s.file, variable: s.variable, value: s.text, rule });
}

/** A sentence of its own about `s`, prefixed with its file, keeping the structured fields. */
export function settingSentence(s: Setting<unknown>, rule: string, sentence: string): CampaignConfigError {
  return new CampaignConfigError({ file: s.file, variable: s.variable, value: s.text, rule }, `${s.file}: ${sentence}`);
}

/** "`EXPERIMENT_DURATION` (30, from experiments/x/.env.1)" or "(600, the default)". */
export function mention(s: Setting<unknown>): string {
  const from = s.file === DEFAULT_SOURCE ? "the default" : `from ${s.file}`;
  return `\`${s.variable}\` (${s.text.trim()}, ${from})`;
}

/** Of two settings in a cross-field rule, the one to blame: the first unless only the default set it. */
export function blame<T>(first: Setting<T>, second: Setting<T>): Setting<T> {
  return first.file === DEFAULT_SOURCE && second.file !== DEFAULT_SOURCE ? second : first;
}

/** A cross-field rule broken by `a` and `b`: "<file>: `A` (x) must be <relation> `B` (y, from …)." */
export function crossFieldError(a: Setting<unknown>, b: Setting<unknown>, relation: string): CampaignConfigError {
  const file = blame(a, b).file;
  const name = (s: Setting<unknown>) => (s.file === file ? `\`${s.variable}\` (${s.text.trim()})` : mention(s));
  return new CampaignConfigError(
    { file, variable: a.variable, value: a.text, rule: `${relation} \`${b.variable}\`` },
    `${file}: ${name(a)} must be ${relation} ${name(b)}.`,
  );
}
