/**
 * The samplers draw from the laws they claim: Kolmogorov–Smirnov at α = 0.01 against each law's CDF, on fixed seeds
 * (so a pass is reproducible), plus a power check that the same test rejects the wrong law.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../runtime/util/seeded-random.ts";
import { ksCriticalValue, ksStatistic, quantile } from "../testing/ks.ts";
import { exponential } from "./exponential.ts";
import { GIRAFF_GAMMA_HEAD, GIRAFF_GAMMA_PYTHON, gammaMean, gammaScale, sampleGamma, sampleGammaLaw } from "./gamma.ts";
import { AZURE_LOG_NORMAL, sampleLogNormal } from "./log-normal.ts";
import { standardNormal } from "./normal.ts";
import { normalCdf, regularizedGammaP, studentTCdf, studentTQuantile } from "./special-functions.ts";
import { sampleStudentT } from "./student-t.ts";

const N = 5000;
const draws = (n: number, draw: () => number) => Array.from({ length: n }, draw);

describe("special functions", () => {
  it("match known values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 10); // Gamma(1) is Exp(1)
    expect(regularizedGammaP(2.35, 2.35)).toBeCloseTo(0.58675206229, 9); // scipy.special.gammainc
    expect(regularizedGammaP(2.35, 5)).toBeCloseTo(0.93669639736, 9);
    expect(studentTCdf(2.228139, 10)).toBeCloseTo(0.975, 6);
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812461, 5);
  });
});

describe("seeded determinism", () => {
  it("gives the same draws for the same seed and different draws for another", () => {
    const run = (seed: string) => draws(50, () => sampleGammaLaw(seededRandom(seed, "x"), GIRAFF_GAMMA_HEAD));
    const a = seededRandom("s1");
    const b = seededRandom("s1");
    const c = seededRandom("s2");
    const sa = draws(100, () => sampleGammaLaw(a, GIRAFF_GAMMA_HEAD));
    expect(draws(100, () => sampleGammaLaw(b, GIRAFF_GAMMA_HEAD))).toEqual(sa);
    expect(draws(100, () => sampleGammaLaw(c, GIRAFF_GAMMA_HEAD))).not.toEqual(sa);
    expect(run("k")).toEqual(run("k"));
  });
});

describe("Kolmogorov–Smirnov at α = 0.01", () => {
  const critical = ksCriticalValue(N, 0.01);

  it.each([
    ["scale (Python era, mean 35.25)", GIRAFF_GAMMA_PYTHON],
    ["rate (Go/HEAD, mean ≈ 0.157)", GIRAFF_GAMMA_HEAD],
  ])("Gamma(2.35, 15) read as %s", (_, law) => {
    const random = seededRandom("ks-gamma", law.parameterisation);
    const sample = draws(N, () => sampleGammaLaw(random, law));
    const d = ksStatistic(sample, (x) => regularizedGammaP(law.shape, x / gammaScale(law)));
    expect(d).toBeLessThan(critical);
    const mean = sample.reduce((s, x) => s + x, 0) / N;
    expect(mean / gammaMean(law)).toBeGreaterThan(0.97);
    expect(mean / gammaMean(law)).toBeLessThan(1.03);
  });

  it("Gamma with a shape below 1 (the boost path)", () => {
    const random = seededRandom("ks-gamma-small");
    const sample = draws(N, () => sampleGamma(random, 0.75, 47));
    expect(ksStatistic(sample, (x) => regularizedGammaP(0.75, x / 47))).toBeLessThan(critical);
  });

  it("rejects the wrong parameterisation (the test has power)", () => {
    const random = seededRandom("ks-power");
    const sample = draws(N, () => sampleGammaLaw(random, GIRAFF_GAMMA_HEAD));
    expect(ksStatistic(sample, (x) => regularizedGammaP(2.35, x / 15))).toBeGreaterThan(critical);
    expect(ksStatistic(sample, (x) => 1 - Math.exp(-x / gammaMean(GIRAFF_GAMMA_HEAD)))).toBeGreaterThan(critical);
  });

  it("log-normal (Azure fit μ = −0.38, σ = 2.36): median ≈ 0.68 s, p99 ≈ 166 s", () => {
    const random = seededRandom("ks-lognormal");
    const sample = draws(20_000, () => sampleLogNormal(random, AZURE_LOG_NORMAL));
    const cdf = (x: number) => normalCdf((Math.log(x) - AZURE_LOG_NORMAL.mu) / AZURE_LOG_NORMAL.sigma);
    expect(ksStatistic(sample, cdf)).toBeLessThan(ksCriticalValue(20_000, 0.01));
    expect(quantile(sample, 0.5)).toBeGreaterThan(0.68 * 0.92);
    expect(quantile(sample, 0.5)).toBeLessThan(0.68 * 1.08);
    expect(quantile(sample, 0.99)).toBeGreaterThan(130);
    expect(quantile(sample, 0.99)).toBeLessThan(210);
  });

  it("exponential", () => {
    const random = seededRandom("ks-exp");
    const sample = draws(N, () => exponential(random, 2));
    expect(ksStatistic(sample, (x) => 1 - Math.exp(-2 * x))).toBeLessThan(critical);
  });

  it("normal (Box–Muller)", () => {
    const random = seededRandom("ks-normal");
    expect(
      ksStatistic(
        draws(N, () => standardNormal(random)),
        normalCdf,
      ),
    ).toBeLessThan(critical);
  });

  it("Student-t with 10 degrees of freedom", () => {
    const random = seededRandom("ks-t");
    const sample = draws(N, () => sampleStudentT(random, 10));
    expect(ksStatistic(sample, (x) => studentTCdf(x, 10))).toBeLessThan(critical);
  });
});
