/**
 * The few random draws the generator makes, over one seeded stream (runtime/util/seeded-random.ts), named after
 * the Python `random` calls GIRAFF makes so the tier rules read the same here as in giraff.md §11.1.
 */
import { seededRandom } from "../../../runtime/util/seeded-random.ts";

export interface Draws {
  /** Python's `randint(lo, hi)`: an integer in [lo, hi], both ends included. */
  randint(lo: number, hi: number): number;
  /**
   * Uniform in (lo, hi]. Python's `uniform` includes lo; excluding it keeps a U(0, x) draw strictly positive,
   * which the valuations require, at no cost to the distribution.
   */
  uniform(lo: number, hi: number): number;
  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
}

/** Draws from the stream seeded by `parts` (e.g. the preset, the size multiplier and the seed). */
export function draws(...parts: (string | number)[]): Draws {
  const random = seededRandom(...parts);
  return {
    randint: (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)),
    uniform: (lo, hi) => lo + (hi - lo) * (1 - random()),
    pick: (items) => items[Math.floor(random() * items.length)]!,
  };
}
