/**
 * The strategy axis of the run matrix. A campaign names strategies in one of two ways:
 *
 * - ours: `STRATEGIES="auction edge-first auction:reduction auction:linear"`, each entry
 *   `<strategy>[:<valuation>][:reduction]` with names from `runtime/strategies` (defaults from `VALUATION` and
 *   `REDUCTION`);
 * - GIRAFF's: `FOG_NODE_IMAGE_TAGS` zipped with `MARKET_IMAGE_TAGS` (giraff.md §7, §7.1), e.g.
 *   `fog_node-auction-quadratic_rates-no_complication` + `market-default_strategy`. The fog-node tag maps to
 *   {strategy, valuation, reduction} through the tables below; the market tag must be the one GIRAFF pairs with
 *   that strategy, which is also the one our strategy declares (`marketRule`).
 *
 * Strategies that bid their CPU utilisation (mincpurandom, max-cpu) force their valuation, so a tag's
 * `quadratic_rates` is ignored for them, as in GIRAFF where the feature was compiled in but unused.
 */
import { STRATEGIES, VALUATIONS } from "../../../runtime/strategies/index.ts";
import type { MarketRuleName, StrategyName, ValuationName } from "../../../runtime/strategies/index.ts";
import { CampaignConfigError } from "./errors.ts";
import type { StrategyEntry } from "./schema.ts";

/** Where a value was read, for error messages. */
export interface Where {
  file: string;
  variable: string;
}

// prettier-ignore
/** GIRAFF's Cargo strategy features → our names (`edge_ward_v3` panics at HEAD and has no counterpart). */
export const GIRAFF_STRATEGY_FEATURES: Readonly<Record<string, { strategy: StrategyName; reduction?: true }>> = {
  auction:           { strategy: "auction" },
  auction_reduction: { strategy: "auction", reduction: true },
  edge_first:        { strategy: "edge-first" },
  edge_furthest:     { strategy: "edge-furthest" },
  edge_ward:         { strategy: "edge-ward" },
  mincpurandom:      { strategy: "mincpurandom" },
  maxcpu:            { strategy: "max-cpu" },
  cloud_only:        { strategy: "cloud-only" },
};
export const GIRAFF_VALUATIONS: Readonly<Record<string, ValuationName>> = {
  linear_rates: "linear",
  quadratic_rates: "quadratic",
};
export const GIRAFF_MARKET_TAGS: Readonly<Record<string, MarketRuleName>> = {
  "market-default_strategy": "second-price",
  "market-mincpurandom": "mincpurandom",
  "market-random": "random",
};

const STRATEGY_NAMES = Object.keys(STRATEGIES).join(", ");
const VALUATION_NAMES = Object.keys(VALUATIONS).join(", ");

/** An entry of `STRATEGIES`: `<strategy>[:<valuation>][:reduction]`. */
export function parseStrategyEntry(
  text: string,
  defaults: { valuation: ValuationName; reduction: boolean },
  where: Where,
): StrategyEntry {
  const [name = "", ...options] = text.split(":");
  if (!Object.hasOwn(STRATEGIES, name)) {
    const rule = `a space-separated list of strategies among ${STRATEGY_NAMES}, each optionally followed by :<valuation> and :reduction`;
    throw new CampaignConfigError(
      { ...where, value: text, rule },
      `${where.file}: \`${where.variable}\` names an unknown strategy ${JSON.stringify(name)}; the known strategies are ${STRATEGY_NAMES}.`,
    );
  }
  let valuation: string | undefined;
  let reduction = defaults.reduction;
  for (const option of options) {
    if (option === "reduction") reduction = true;
    else if (Object.hasOwn(VALUATIONS, option) && valuation === undefined) valuation = option;
    else {
      const rule = `a valuation among ${VALUATION_NAMES} or \`reduction\` after \`${name}:\``;
      throw new CampaignConfigError({ ...where, value: text, rule });
    }
  }
  const strategy = name as StrategyName;
  const forced = STRATEGIES[strategy].forcedValuation as ValuationName | undefined;
  if (forced !== undefined && valuation !== undefined && valuation !== forced) {
    const rule = `used without a valuation: ${name} always bids with ${forced}`;
    throw new CampaignConfigError(
      { ...where, value: text, rule },
      `${where.file}: \`${where.variable}\` entry ${JSON.stringify(text)} must be ${rule}.`,
    );
  }
  return entry(strategy, (forced ?? valuation ?? defaults.valuation) as ValuationName, reduction);
}

/** One `FOG_NODE_IMAGE_TAGS` / `MARKET_IMAGE_TAGS` pair. */
export function parseImageTagPair(
  fogTag: string,
  marketTag: string,
  where: { fog: Where; market: Where },
): StrategyEntry {
  const match = /^fog_node-(.+)-([a-z]+_rates)-(no_complication|reduction)$/.exec(fogTag);
  const feature = match === null ? undefined : GIRAFF_STRATEGY_FEATURES[match[1]!];
  const giraffValuation = match === null ? undefined : GIRAFF_VALUATIONS[match[2]!];
  if (match === null || feature === undefined || giraffValuation === undefined) {
    const known = Object.keys(GIRAFF_STRATEGY_FEATURES).join(", ");
    const rule = `a space-separated list of GIRAFF fog-node tags fog_node-<strategy>-<linear_rates|quadratic_rates>-<no_complication|reduction> with <strategy> among ${known}`;
    throw new CampaignConfigError({ ...where.fog, value: fogTag, rule });
  }
  const strategy = feature.strategy;
  const expected = STRATEGIES[strategy].marketRule;
  const marketRule = GIRAFF_MARKET_TAGS[marketTag];
  if (marketRule !== expected) {
    const tag = Object.keys(GIRAFF_MARKET_TAGS).find((t) => GIRAFF_MARKET_TAGS[t] === expected)!;
    const rule = `the market GIRAFF pairs with ${fogTag}, i.e. ${tag}`;
    throw new CampaignConfigError({ ...where.market, value: marketTag, rule });
  }
  const forced = STRATEGIES[strategy].forcedValuation as ValuationName | undefined;
  return entry(strategy, forced ?? giraffValuation, feature.reduction === true || match[3] === "reduction");
}

function entry(strategy: StrategyName, valuation: ValuationName, reduction: boolean): StrategyEntry {
  const forced = STRATEGIES[strategy].forcedValuation;
  const parts = [strategy as string];
  if (valuation !== (forced ?? "quadratic")) parts.push(valuation);
  if (reduction) parts.push("reduction");
  return { strategy, valuation, reduction, marketRule: STRATEGIES[strategy].marketRule, label: parts.join(":") };
}
