/**
 * Gamma draws by Marsaglia and Tsang's squeeze method (2000), with the usual boost for shapes below 1.
 *
 * GIRAFF draws request intervals and durations from "Gamma(2.35, 15)", but the number 15 meant two things over
 * time (giraff.md §12.2, §17.12): the Python generator passed it to numpy as a *scale* (mean 2.35 × 15 = 35.25),
 * the Go port passed it to gonum as a *rate* (mean 2.35 / 15 ≈ 0.157) and retuned the multipliers. We make that
 * choice explicit and named instead of inheriting either silently.
 */
import { standardNormal } from "./normal.ts";
import { openUniform, type Random } from "./random.ts";

/** How the second Gamma parameter is read: `scale` θ (Python-era numpy) or `rate` β = 1/θ (Go/HEAD gonum). */
export type GammaParameterisation = "scale" | "rate";

export interface GammaLaw {
  shape: number;
  /** θ when `parameterisation` is `scale`, β when it is `rate`. */
  value: number;
  parameterisation: GammaParameterisation;
}

/** GIRAFF's numbers, read as the Go generator at HEAD reads them (mean ≈ 0.157). */
export const GIRAFF_GAMMA_HEAD: GammaLaw = Object.freeze({ shape: 2.35, value: 15, parameterisation: "rate" });
/** GIRAFF's numbers, read as the Python generator read them (mean 35.25). */
export const GIRAFF_GAMMA_PYTHON: GammaLaw = Object.freeze({ shape: 2.35, value: 15, parameterisation: "scale" });

/** The scale θ of a law, whichever way it is written. */
export function gammaScale(law: GammaLaw): number {
  return law.parameterisation === "scale" ? law.value : 1 / law.value;
}

export function gammaMean(law: GammaLaw): number {
  return law.shape * gammaScale(law);
}

/** A draw from Gamma(shape, scale θ). */
export function sampleGamma(random: Random, shape: number, scale: number): number {
  if (!(shape > 0) || !(scale > 0)) {
    throw new RangeError(`Expected a positive Gamma shape and scale, got shape ${shape} and scale ${scale}.`);
  }
  if (shape < 1) {
    // Gamma(k) = Gamma(k + 1) · U^(1/k): Marsaglia–Tsang needs k ≥ 1
    return sampleGamma(random, shape + 1, scale) * Math.pow(openUniform(random), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(random);
    // the cheap squeeze accepts ~98 % of candidates; the log test settles the rest exactly
    if (u < 1 - 0.0331 * x ** 4) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** A draw from a {@link GammaLaw}. */
export function sampleGammaLaw(random: Random, law: GammaLaw): number {
  return sampleGamma(random, law.shape, gammaScale(law));
}
