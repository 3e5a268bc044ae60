/**
 * Normal draws by the Box–Muller transform. Each draw consumes exactly two uniforms (the pair's second normal is
 * dropped on purpose), so the number of uniforms a plan uses does not depend on hidden state between calls.
 */
import { openUniform, type Random } from "./random.ts";

/** A draw from N(0, 1). */
export function standardNormal(random: Random): number {
  const radius = Math.sqrt(-2 * Math.log(openUniform(random)));
  return radius * Math.cos(2 * Math.PI * random());
}

/** A draw from N(mean, sd²). */
export function normal(random: Random, mean: number, sd: number): number {
  return mean + sd * standardNormal(random);
}
