/**
 * The node count each level can reach under a preset's rules, worked out from the data alone (no draw): used by
 * tests as the ranges a drawn tree must fall in, and by anyone sizing a campaign's MIN/MAX before drawing.
 */
import { PRESETS, childrenRange, resolveScaled, type PresetName, type Tier } from "./presets.ts";

/**
 * `[min, max]` nodes per level, root first. A level's count is the number of parents that kept their subtree
 * times the children range; `keep-children(k)` keeps at most k per sibling group, `drop-children` at least the
 * first. `sizeMultiplier` is the value given (the paper preset halves it).
 */
export function levelCountBounds(preset: PresetName, sizeMultiplier: number): [min: number, max: number][] {
  const p = PRESETS[preset];
  const sm = p.sizeMultiplier(sizeMultiplier);
  const out: [number, number][] = [[1, 1]];
  let parents: [number, number] = [1, 1];
  for (const tier of p.tiers) {
    const [lo, hi] = childrenRange(tier, sm);
    out.push([parents[0] * lo, parents[1] * hi]);
    const [keptLo, keptHi] = keptPerGroup(tier, lo, hi, sm);
    parents = [parents[0] * keptLo, parents[1] * keptHi];
  }
  return out;
}

/** How many of a group of `lo`..`hi` siblings keep their subtree, at least and at most. */
function keptPerGroup(tier: Tier, lo: number, hi: number, sm: number): [number, number] {
  let kept: [number, number] = [lo, hi];
  for (const m of tier.modifiers) {
    if (m.kind === "keep-children") {
      const k = resolveScaled(m.count, sm);
      kept = [Math.min(kept[0], k), Math.min(kept[1], k)];
    } else if (m.kind === "drop-children") {
      kept = [Math.min(kept[0], 1), kept[1]];
    }
  }
  return kept;
}
