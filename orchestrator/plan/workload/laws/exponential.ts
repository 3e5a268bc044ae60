/**
 * Exponential draws by inversion: the gaps of the open-loop Poisson process that spreads chain arrivals
 * (giraff.md §12.1), and the law the IoT emulator uses between requests (§10).
 */
import { openUniform, type Random } from "./random.ts";

/** A draw from Exp(rate), mean 1 / rate. */
export function exponential(random: Random, rate = 1): number {
  if (!(rate > 0)) throw new RangeError(`Expected the exponential rate to be positive, got ${rate}.`);
  return -Math.log(openUniform(random)) / rate;
}
