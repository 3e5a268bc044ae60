/**
 * GIRAFF's topology tiers (giraff.md §11.1, `testbed/definitions.py`) as data: one entry per depth below the root,
 * saying how many children each parent gets, what their flavour and link to the parent look like, which modifiers
 * apply and how their valuation parameters are drawn. `generate.ts` interprets this data; nothing here draws.
 *
 * Two presets: `current` is GIRAFF at HEAD, `paper` is the Euro-Par state (tag v3.0.0 / branch `vagrant`).
 */

const GBPS = 1e9;
const MBPS = 1e6;

/** A VM flavour: what the VM gets, and what of it the fog node reserves for functions. */
export interface Flavour {
  /** GIRAFF's name for it (`TIER_1` … `TIER_4`), for summaries and packing reports. */
  name: string;
  cores: number;
  memMiB: number;
  reservedCores: number;
  reservedMemMiB: number;
}

/** A count that may grow with the size multiplier: a constant, or `⌊k × SM⌋` (GIRAFF's `int(k * SIZE_MULTIPLIER)`). */
export type Scaled = number | { timesSM: number };

/** A valuation parameter: a constant, or uniform in (lo, hi] (the open lower end keeps U(0, x) strictly positive). */
export type Draw = number | readonly [lo: number, hi: number];

/**
 * What GIRAFF applies to each generated node, with its index among its siblings (giraff.md §11.1).
 * NOTE: when adding a kind, update `applyModifiers` in generate.ts and `keptPerGroup` in bounds.ts.
 */
export type Modifier =
  | { kind: "set-cloud" }
  /** Only the first `count` siblings keep their subtree. */
  | { kind: "keep-children"; count: Scaled }
  /** Every sibling but the first loses its subtree with probability 1/`oneIn`. */
  | { kind: "drop-children"; oneIn: number }
  /** [HEAD] `keep_one_in`: the first sibling is IoT-connected, the others with probability 1/`keepOneIn`. */
  | { kind: "set-iot-connected"; keepOneIn: number }
  /** [paper] `drop_one_in`: the first sibling is IoT-connected, the others with probability (n−1)/n. */
  | { kind: "set-iot-connected"; dropOneIn: number }
  /** Subtract one of `minus` (uniformly chosen) from both the cores and the reserved cores. */
  | { kind: "randomise-cores"; minus: readonly number[] }
  /** Subtract one of `minusGiB` (uniformly chosen) GiB from both the memory and the reserved memory. */
  | { kind: "randomise-mem"; minusGiB: readonly number[] };

/** One level of the tree below the root. */
export interface Tier {
  flavour: Flavour;
  /** Children per parent: `randint(min, max)`, with `max` possibly scaled by the size multiplier. */
  children: { min: number; max: Scaled };
  /** One-way latency of the link to the parent, `randint(lo, hi)` ms. */
  latencyMs: readonly [lo: number, hi: number];
  /** `min × randint(1, ⌈max / min⌉)` bit/s. */
  rateBps: { min: number; max: number };
  /** `min × randint(1, ⌈max / min⌉)` percent; `{0, 0}` means no loss. */
  lossPct: { min: number; max: number };
  modifiers: readonly Modifier[];
  valuation: TierValuation;
}

/** GIRAFF's `additional_env_vars(level)`, drawn per node; `level` is the tier's index (TIER_1 → 0). */
export interface TierValuation {
  pricingLevel: number;
  ratioAA: Draw;
  ratioBB: Draw;
  electricityPrice: Draw;
}

export interface Preset {
  name: PresetName;
  /** Where the numbers come from, for the topology's description. */
  source: string;
  /** GIRAFF's SIZE_MULTIPLIER from the value given (the paper halves it). */
  sizeMultiplier(env: number): number;
  /** Whether the given multiplier must be an integer (HEAD reads it as an int). */
  integerSizeMultiplier: boolean;
  root: { flavour: Flavour; valuation: TierValuation };
  /** Depth 1 (cloud) to depth 4 (edge). */
  tiers: readonly Tier[];
  /** `pricing(level)`: base = MAX_INITIAL_PRICE / (4 − level), price uniform in [0.5·base, 1.5·base]. */
  maxInitialPrice: number;
  /** Constants GIRAFF sets but no valuation reads (PRICING_CPU, PRICING_MEM, PRICING_GEOLOCATION = SLOPE). */
  unusedSlope: number;
}

export type PresetName = "current" | "paper";

const HEAD_TIER_1: Flavour = { name: "TIER_1", cores: 34, memMiB: 81920, reservedCores: 34, reservedMemMiB: 79872 };
const HEAD_TIER_2: Flavour = { name: "TIER_2", cores: 16, memMiB: 32768, reservedCores: 16, reservedMemMiB: 31744 };
const HEAD_TIER_3: Flavour = { name: "TIER_3", cores: 8, memMiB: 16384, reservedCores: 8, reservedMemMiB: 15360 };
const HEAD_TIER_4: Flavour = { name: "TIER_4", cores: 6, memMiB: 8192, reservedCores: 6, reservedMemMiB: 7168 };

// HEAD quadratic parameters: levels 0–1 flat and cheap, the edge steeper and dearer.
const HEAD_CLOUD = { ratioAA: 0.01, ratioBB: 0.1, electricityPrice: 0.9 } as const;

/** GIRAFF at HEAD (giraff.md §11.1 "[HEAD] tiers and levels"). */
export const CURRENT: Preset = {
  name: "current",
  source: "GIRAFF HEAD testbed/definitions.py (giraff.md §11.1)",
  sizeMultiplier: (env) => env,
  integerSizeMultiplier: true,
  root: { flavour: HEAD_TIER_1, valuation: { pricingLevel: 0, ...HEAD_CLOUD } },
  // prettier-ignore
  tiers: [
    { flavour: HEAD_TIER_1, children: { min: 1, max: 4 }, latencyMs: [1, 3],
      rateBps: { min: GBPS, max: GBPS }, lossPct: { min: 1, max: 2 },
      modifiers: [{ kind: "set-cloud" }, { kind: "keep-children", count: 1 }],
      valuation: { pricingLevel: 0, ...HEAD_CLOUD } },
    { flavour: HEAD_TIER_2, children: { min: 1, max: 3 }, latencyMs: [15, 30],
      rateBps: { min: 500 * MBPS, max: GBPS }, lossPct: { min: 1, max: 2 },
      modifiers: [{ kind: "keep-children", count: { timesSM: 1 } }],
      valuation: { pricingLevel: 1, ...HEAD_CLOUD } },
    { flavour: HEAD_TIER_3, children: { min: 4, max: { timesSM: 8 } }, latencyMs: [15, 30],
      rateBps: { min: 100 * MBPS, max: GBPS }, lossPct: { min: 1, max: 10 },
      modifiers: [{ kind: "keep-children", count: { timesSM: 4 } },
        { kind: "randomise-cores", minus: [0, 2] }, { kind: "randomise-mem", minusGiB: [0, 2] }],
      valuation: { pricingLevel: 2, ratioAA: [0, 0.1], ratioBB: [0.2, 0.4], electricityPrice: 0.95 } },
    { flavour: HEAD_TIER_4, children: { min: 4, max: { timesSM: 8 } }, latencyMs: [5, 10],
      rateBps: { min: 10 * MBPS, max: GBPS }, lossPct: { min: 1, max: 10 },
      modifiers: [{ kind: "set-iot-connected", keepOneIn: 2 },
        { kind: "randomise-mem", minusGiB: [0, 2] }, { kind: "randomise-cores", minus: [0, 2] }],
      valuation: { pricingLevel: 3, ratioAA: [0, 0.3], ratioBB: [0.3, 0.6], electricityPrice: 1 } },
  ],
  maxInitialPrice: 0.2,
  unusedSlope: 3,
};

const PAPER_TIER_1: Flavour = { name: "TIER_1", cores: 16, memMiB: 47104, reservedCores: 15, reservedMemMiB: 43008 };
const PAPER_TIER_2: Flavour = { name: "TIER_2", cores: 8, memMiB: 12288, reservedCores: 7, reservedMemMiB: 11264 };
const PAPER_TIER_3: Flavour = { name: "TIER_3", cores: 4, memMiB: 6144, reservedCores: 3.5, reservedMemMiB: 5120 };
const PAPER_TIER_4: Flavour = { name: "TIER_4", cores: 2, memMiB: 4096, reservedCores: 1.5, reservedMemMiB: 3072 };

const PAPER_CLOUD = { ratioAA: 0.01, ratioBB: 0.2, electricityPrice: 0.75 } as const;
const NO_LOSS = { min: 0, max: 0 } as const;

/** The Euro-Par paper's generator (giraff.md §11.1 "[paper, v3.0.0 / vagrant]"): no packet loss, SM = 0.5 × env. */
export const PAPER: Preset = {
  name: "paper",
  source: "GIRAFF v3.0.0 / vagrant testbed/definitions.py (giraff.md §11.1)",
  sizeMultiplier: (env) => 0.5 * env,
  integerSizeMultiplier: false,
  root: { flavour: PAPER_TIER_1, valuation: { pricingLevel: 0, ...PAPER_CLOUD } },
  // prettier-ignore
  tiers: [
    { flavour: PAPER_TIER_1, children: { min: 1, max: { timesSM: 6 } }, latencyMs: [1, 3],
      rateBps: { min: GBPS, max: GBPS }, lossPct: NO_LOSS,
      modifiers: [{ kind: "set-cloud" }, { kind: "drop-children", oneIn: 2 }],
      valuation: { pricingLevel: 0, ...PAPER_CLOUD } },
    { flavour: PAPER_TIER_2, children: { min: 2, max: { timesSM: 4 } }, latencyMs: [6, 32],
      rateBps: { min: 500 * MBPS, max: GBPS }, lossPct: NO_LOSS,
      modifiers: [{ kind: "drop-children", oneIn: 3 },
        { kind: "randomise-cores", minus: [0, 2, 4] }, { kind: "randomise-mem", minusGiB: [0, 2, 4] }],
      valuation: { pricingLevel: 1, ...PAPER_CLOUD } },
    { flavour: PAPER_TIER_3, children: { min: 3, max: { timesSM: 8 } }, latencyMs: [7, 64],
      rateBps: { min: 100 * MBPS, max: GBPS }, lossPct: NO_LOSS,
      modifiers: [{ kind: "drop-children", oneIn: 6 },
        { kind: "randomise-cores", minus: [0, 2] }, { kind: "randomise-mem", minusGiB: [0, 2, 4] }],
      valuation: { pricingLevel: 2, ratioAA: [0.4, 0.8], ratioBB: [0.9, 1.1], electricityPrice: 0.95 } },
    { flavour: PAPER_TIER_4, children: { min: 2, max: { timesSM: 8 } }, latencyMs: [1, 4],
      rateBps: { min: 10 * MBPS, max: GBPS }, lossPct: NO_LOSS,
      modifiers: [{ kind: "set-iot-connected", dropOneIn: 6 }, { kind: "randomise-mem", minusGiB: [0, 2] }],
      valuation: { pricingLevel: 3, ratioAA: [0.8, 1.2], ratioBB: [1.2, 1.4], electricityPrice: 1 } },
  ],
  maxInitialPrice: 4,
  unusedSlope: 8,
};

export const PRESETS: Readonly<Record<PresetName, Preset>> = { current: CURRENT, paper: PAPER };

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** `⌊k × SM⌋` for a scaled count (Python's `int()` truncation), the constant otherwise. */
export function resolveScaled(value: Scaled, sm: number): number {
  return typeof value === "number" ? value : Math.floor(value.timesSM * sm);
}

/** The `randint` range of children per parent for `tier` at GIRAFF size multiplier `sm`. */
export function childrenRange(tier: Tier, sm: number): [min: number, max: number] {
  return [tier.children.min, resolveScaled(tier.children.max, sm)];
}
