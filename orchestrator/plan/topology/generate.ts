/**
 * GIRAFF's seeded topology generator (giraff.md §11.1): a tree rooted at the market's node, grown tier by tier
 * from the preset's data. Every draw comes from one stream seeded by the preset, the size multiplier and the seed,
 * so the same options always give the same JSON.
 *
 * One departure from GIRAFF's draw order: modifiers are applied before a node's children are drawn, so a subtree
 * that `keep-children` or `drop-children` would discard is never drawn (GIRAFF draws it, then throws it away).
 * The distribution is the same; the name counter only counts kept nodes.
 */
import { parseTopology, type Topology, type TopologyNode } from "../../../runtime/protocol/topology.ts";
import { checkTopology } from "./checks.ts";
import { draws, type Draws } from "./draws.ts";
import { nodeId, nodeName, ROOT_NAME } from "./node-identity.ts";
import { normalizeGenerateOptions, type GenerateOptions } from "./options.ts";
import { childrenRange, resolveScaled, type Flavour, type Preset, type Tier } from "./presets.ts";
import { drawValuation } from "./valuation-params.ts";

/**
 * A seeded GIRAFF topology, validated by `parseTopology`. With `minNodes` or `maxHosts` it also runs GIRAFF's
 * acceptance checks and throws a {@link TopologyCheckError} (exit code 122 or 123) when one fails.
 */
export function generateTopology(options: GenerateOptions): Topology {
  const opts = normalizeGenerateOptions(options);
  const topology = drawTopology(opts.preset, opts.sizeMultiplier, opts.seed);
  checkTopology(topology, opts);
  return topology;
}

/** The tree alone, without the acceptance checks; `sizeMultiplier` is the value given (the paper halves it). */
export function drawTopology(preset: Preset, sizeMultiplier: number, seed: string | number): Topology {
  const sm = preset.sizeMultiplier(sizeMultiplier);
  const d = draws("giraff-ts/topology", preset.name, sizeMultiplier, seed);
  const id = (position: string) => nodeId("giraff-ts/topology", preset.name, sizeMultiplier, seed, position);
  const nodes: TopologyNode[] = [];
  const root = node({
    id: id("0"),
    name: ROOT_NAME,
    level: 0,
    parent: null,
    flavor: flavourOf(preset.root.flavour),
    link: null,
    iotConnected: false,
    // TIER_1 is the cloud flavour: GIRAFF's paper code sets is_cloud in the flavour, so the root has it too.
    isCloud: true,
    valuation: drawValuation(preset.root.valuation, preset.maxInitialPrice, d),
  });
  nodes.push(root);
  let counter = 0;
  const grow = (parent: TopologyNode, position: string, depth: number) => {
    const tier = preset.tiers[depth - 1];
    if (tier === undefined) return;
    const [lo, hi] = childrenRange(tier, sm);
    const count = d.randint(lo, hi);
    for (let index = 0; index < count; index++) {
      counter++;
      const name = nodeName(depth, counter, d);
      const link = {
        latencyMs: d.randint(tier.latencyMs[0], tier.latencyMs[1]),
        rateBps: stepped(tier.rateBps, d),
        lossPct: stepped(tier.lossPct, d),
      };
      const shape = applyModifiers(tier, index, sm, d);
      const child = node({
        id: id(`${position}.${index}`),
        name,
        level: depth,
        parent: parent.id,
        flavor: shape.flavor,
        link,
        iotConnected: shape.iotConnected,
        isCloud: shape.isCloud,
        valuation: drawValuation(tier.valuation, preset.maxInitialPrice, d),
      });
      nodes.push(child);
      if (shape.keepsChildren) grow(child, `${position}.${index}`, depth + 1);
    }
  };
  grow(root, "0", 1);
  const scaled = sm === sizeMultiplier ? "" : ` (${sm} in the tier rules)`;
  return parseTopology({
    name: `${preset.name}-sm${sizeMultiplier}-seed${seed}`,
    description:
      `GIRAFF ${preset.name} preset from ${preset.source}: SIZE_MULTIPLIER ${sizeMultiplier}${scaled}, seed ${seed}. ` +
      `Flavours by level: 0–1 TIER_1, 2 TIER_2, 3 TIER_3, 4 TIER_4. Valuation per node: pricing(tier) with ` +
      `MAX_INITIAL_PRICE ${preset.maxInitialPrice}; PRICING_CPU = PRICING_MEM = PRICING_GEOLOCATION = ` +
      `${preset.unusedSlope} are not stored (no valuation reads them).`,
    seed,
    preset: preset.name,
    nodes,
  });
}

/** GIRAFF's `min × randint(1, ⌈max / min⌉)` for rates and losses; a `{0, 0}` rule is "none". */
function stepped(rule: { min: number; max: number }, d: Draws): number {
  if (rule.max === 0) return 0;
  return rule.min * d.randint(1, Math.ceil(rule.max / rule.min));
}

interface Shape {
  flavor: TopologyNode["flavor"];
  isCloud: boolean;
  iotConnected: boolean;
  keepsChildren: boolean;
}

/** The tier's modifiers, in order, on the `index`-th sibling (giraff.md §11.1). */
function applyModifiers(tier: Tier, index: number, sm: number, d: Draws): Shape {
  const shape: Shape = { flavor: flavourOf(tier.flavour), isCloud: false, iotConnected: false, keepsChildren: true };
  for (const m of tier.modifiers) {
    switch (m.kind) {
      case "set-cloud":
        shape.isCloud = true;
        break;
      case "keep-children":
        if (index >= resolveScaled(m.count, sm)) shape.keepsChildren = false;
        break;
      case "drop-children":
        if (index > 0 && d.randint(1, m.oneIn) === 1) shape.keepsChildren = false;
        break;
      case "set-iot-connected":
        if ("keepOneIn" in m) shape.iotConnected = index === 0 || d.randint(1, m.keepOneIn) === 1;
        else shape.iotConnected = index === 0 || d.randint(1, m.dropOneIn) !== 1;
        break;
      case "randomise-cores": {
        const minus = d.pick(m.minus);
        shape.flavor.cores -= minus;
        shape.flavor.reservedCores -= minus;
        break;
      }
      case "randomise-mem": {
        const minusMiB = d.pick(m.minusGiB) * 1024;
        shape.flavor.memMiB -= minusMiB;
        shape.flavor.reservedMemMiB -= minusMiB;
        break;
      }
      default:
        m satisfies never;
    }
  }
  return shape;
}

function flavourOf(f: Flavour): TopologyNode["flavor"] {
  return { cores: f.cores, memMiB: f.memMiB, reservedCores: f.reservedCores, reservedMemMiB: f.reservedMemMiB };
}

/** A node with GIRAFF's testbed default for `maxInFlight`: ⌈reserved MiB / 100⌉ proposals per second. */
function node(fields: Omit<TopologyNode, "maxInFlight">): TopologyNode {
  return { ...fields, maxInFlight: Math.ceil(fields.flavor.reservedMemMiB / 100) };
}
