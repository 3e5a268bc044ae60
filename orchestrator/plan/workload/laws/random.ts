/**
 * The one randomness type the laws take: a source of uniform numbers in [0, 1), such as `seededRandom(...)` from
 * runtime/util. Laws never call `Math.random()`, so a plan is a pure function of its seed.
 */
export type Random = () => number;

/** A uniform number in (0, 1]: safe to take the logarithm of. */
export function openUniform(random: Random): number {
  return 1 - random();
}
