/**
 * Seeded randomness for the deterministic cores: a string seed (an SLA id, a node id) hashed to 32 bits, then
 * mulberry32. Any tie-break or shuffle takes one of these so a run can be replayed.
 */

/** FNV-1a hash of a string to an unsigned 32-bit integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform numbers in [0, 1) from a seed: a 32-bit number, or string parts (e.g. the SLA id and the node id). */
export function seededRandom(...parts: (string | number)[]): () => number {
  let a = parts.length === 1 && typeof parts[0] === "number" ? parts[0] >>> 0 : hash32(parts.join("\u0000"));
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of a copy of `items`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
