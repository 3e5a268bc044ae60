/**
 * The campaign-level axes of the run matrix: strategies (ours or GIRAFF's image-tag pairs) and sizes (the zipped
 * `SIZE_MULTIPLIERS` / `MIN_NUMBER_VMS` / `MAX_NUMBER_VMS` lists). Each rule fails with a sentence naming the file,
 * the variable and the value; an empty axis is an error, since it would silently run nothing.
 */
import { STRATEGIES } from "../../../runtime/strategies/index.ts";
import { crossFieldError, settingError, settingSentence } from "./blame.ts";
import { DEFAULT_MAX_NUMBER_VMS, DEFAULT_MIN_NUMBER_VMS, DEFAULT_SOURCE, type ResolvedLayer } from "./defaults.ts";
import type { Setting } from "./layers.ts";
import type { SizePoint, StrategyEntry } from "./schema.ts";
import { parseImageTagPair, parseStrategyEntry } from "./strategies.ts";

const KNOWN = Object.keys(STRATEGIES).join(", ");

export function resolveStrategies(layer: ResolvedLayer): StrategyEntry[] {
  const { STRATEGIES: ours, FOG_NODE_IMAGE_TAGS: fog, MARKET_IMAGE_TAGS: market } = layer;
  let entries: StrategyEntry[];
  if (fog !== undefined || market !== undefined) {
    const given = (fog ?? market)!;
    if (ours.file !== DEFAULT_SOURCE) {
      const rule = "unset when `STRATEGIES` is set (name strategies one way only)";
      throw settingSentence(
        given,
        rule,
        `set either \`STRATEGIES\` or \`FOG_NODE_IMAGE_TAGS\` with \`MARKET_IMAGE_TAGS\`, not both.`,
      );
    }
    if (fog === undefined || market === undefined) {
      const other = fog === undefined ? "FOG_NODE_IMAGE_TAGS" : "MARKET_IMAGE_TAGS";
      throw settingError(given, `set together with \`${other}\` (GIRAFF zips the two lists pairwise)`);
    }
    if (fog.value.length !== market.value.length) throw zipError(fog, market, "tags");
    entries = fog.value.map((tag, i) =>
      parseImageTagPair(tag, market.value[i]!, { fog: where(fog), market: where(market) }),
    );
  } else {
    entries = ours.value.map((text) =>
      parseStrategyEntry(text, { valuation: layer.VALUATION.value, reduction: layer.REDUCTION.value }, where(ours)),
    );
  }
  const source = fog ?? ours;
  if (entries.length === 0) {
    const rule = `a non-empty list of strategies among ${KNOWN}`;
    throw settingSentence(
      source,
      rule,
      `\`${source.variable}\` is empty, so the run matrix is empty; name at least one strategy among ${KNOWN}.`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.label)) {
      throw settingSentence(
        source,
        "a list without repeats",
        `\`${source.variable}\` lists ${e.label} twice; each strategy runs once per matrix cell.`,
      );
    }
    seen.add(e.label);
  }
  return entries;
}

export function resolveSizes(layer: ResolvedLayer): SizePoint[] {
  const sm = layer.SIZE_MULTIPLIERS;
  if (sm.value.length === 0) {
    const rule = "a non-empty space-separated list of positive integers";
    throw settingSentence(
      sm,
      rule,
      "`SIZE_MULTIPLIERS` is empty, so the run matrix is empty; give at least one size multiplier.",
    );
  }
  const min = zipped(layer.MIN_NUMBER_VMS, sm, DEFAULT_MIN_NUMBER_VMS);
  const max = zipped(layer.MAX_NUMBER_VMS, sm, DEFAULT_MAX_NUMBER_VMS);
  const sizes = sm.value.map((multiplier, i) => ({ multiplier, minNumberVms: min[i]!, maxNumberVms: max[i]! }));
  sizes.forEach((s, i) => {
    if (s.minNumberVms > s.maxNumberVms) {
      const at = (setting: Setting<number[]> | undefined, value: number) =>
        setting ?? { value: [value], text: String(value), file: DEFAULT_SOURCE, variable: "" };
      const a = at(layer.MIN_NUMBER_VMS, s.minNumberVms);
      const b = at(layer.MAX_NUMBER_VMS, s.maxNumberVms);
      throw crossFieldError(
        { ...a, text: `${s.minNumberVms} at position ${i + 1}`, variable: "MIN_NUMBER_VMS" },
        { ...b, text: `${s.maxNumberVms} at position ${i + 1}`, variable: "MAX_NUMBER_VMS" },
        "at most",
      );
    }
  });
  const keys = sizes.map((s) => JSON.stringify(s));
  const repeated = keys.findIndex((key, i) => keys.indexOf(key) !== i);
  if (repeated >= 0) {
    throw settingSentence(
      sm,
      "positions that differ",
      `position ${repeated + 1} of \`SIZE_MULTIPLIERS\`, \`MIN_NUMBER_VMS\` and \`MAX_NUMBER_VMS\` repeats an earlier one; use \`NB_REPETITIONS\` for more networks of one size.`,
    );
  }
  return sizes;
}

/** A list zipped with `SIZE_MULTIPLIERS`: same length, or unset (then `fallback` at every position). */
function zipped(list: Setting<number[]> | undefined, sm: Setting<number[]>, fallback: number): number[] {
  if (list === undefined) return sm.value.map(() => fallback);
  if (list.value.length !== sm.value.length) throw zipError(list, sm, "numbers");
  return list.value;
}

function zipError(a: Setting<unknown[]>, b: Setting<unknown[]>, unit: string) {
  const rule = `a list as long as \`${b.variable}\` (${b.value.length} ${unit}), since the two are zipped by position`;
  return settingError(a, rule);
}

function where(s: Setting<unknown>) {
  return { file: s.file, variable: s.variable };
}
