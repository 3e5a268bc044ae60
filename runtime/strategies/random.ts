/**
 * A small seeded PRNG, so a node's random choices (mincpurandom's shuffle) replay from the SLA id and node id
 * (STYLE principle 3). Not cryptographic.
 */

/** Uniform numbers in [0, 1) from a seed made of `parts` (e.g. the SLA id and the node id). */
export function seededRandom(...parts: string[]): () => number {
  let state = hash(parts.join("\u0000"));
  // mulberry32: 32-bit state, good enough for shuffles of a handful of neighbours.
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates on a copy, drawing from `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
