// The busy-spin execution-time laws, in-process: the seeded draws against the Azure log-normal fit (μ = −0.38,
// σ = 2.36 s; reference/giraff.md §12.2), by a Kolmogorov–Smirnov test and by their quantiles.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../runtime/util/seeded-random.ts";
import { normalizeBusySpinConfig } from "./config.ts";
import { AZURE_LOGNORMAL, erf, executionSampler, lawCdf, lawSampler, type ExecutionLaw } from "./sampler.ts";

const N = 20_000;

function draws(law: ExecutionLaw, seed: string, n = N): number[] {
  const next = lawSampler(law, seededRandom("busy-spin", seed));
  return Array.from({ length: n }, next).sort((a, b) => a - b);
}

/** Kolmogorov–Smirnov statistic of sorted `sample` against `cdf`. */
function ksStatistic(sample: number[], cdf: (x: number) => number): number {
  let d = 0;
  sample.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / sample.length - f, f - i / sample.length);
  });
  return d;
}

/** Asymptotic critical value of the one-sample KS test at α = 0.01. */
const ksCritical = (n: number) => 1.6276 / Math.sqrt(n);

const quantile = (sorted: number[], p: number) => sorted[Math.floor(p * (sorted.length - 1))]!;

describe("busy-spin sampler", () => {
  it("erf matches known values", () => {
    expect(erf(0)).toBeCloseTo(0, 6);
    expect(erf(1)).toBeCloseTo(0.8427008, 6);
    expect(erf(-2)).toBeCloseTo(-0.9953223, 6);
  });

  it("passes a KS test against the Azure log-normal at α = 0.01 for several seeds", () => {
    for (const seed of ["0", "1", "sla-42"]) {
      const d = ksStatistic(draws(AZURE_LOGNORMAL, seed), (x) => lawCdf(AZURE_LOGNORMAL, x));
      expect(d, `seed ${seed}`).toBeLessThan(ksCritical(N));
    }
  });

  it("has the fit's median (≈ 0.68 s) and p99 (≈ 166 s)", () => {
    const sample = draws(AZURE_LOGNORMAL, "quantiles");
    expect(Math.exp(AZURE_LOGNORMAL.kind === "lognormal" ? AZURE_LOGNORMAL.mu : 0)).toBeCloseTo(0.684, 3);
    // Standard errors of the log-quantiles at n = 20 000 are about 2 % (median) and 6 % (p99): 3 σ bands.
    expect(quantile(sample, 0.5)).toBeGreaterThan(0.684 * 0.94);
    expect(quantile(sample, 0.5)).toBeLessThan(0.684 * 1.06);
    expect(quantile(sample, 0.99)).toBeGreaterThan(165.7 * 0.83);
    expect(quantile(sample, 0.99)).toBeLessThan(165.7 * 1.2);
  });

  it("the KS test has power: it rejects a neighbouring law", () => {
    const sample = draws({ kind: "lognormal", mu: -0.38, sigma: 2.1 }, "power");
    expect(ksStatistic(sample, (x) => lawCdf(AZURE_LOGNORMAL, x))).toBeGreaterThan(ksCritical(N));
  });

  it("replays the same sequence for the same seed, and another for another seed", () => {
    expect(draws(AZURE_LOGNORMAL, "a", 50)).toEqual(draws(AZURE_LOGNORMAL, "a", 50));
    expect(draws(AZURE_LOGNORMAL, "a", 50)).not.toEqual(draws(AZURE_LOGNORMAL, "b", 50));
  });

  it("scales, then caps, the planned execution times", () => {
    const next = executionSampler({ law: AZURE_LOGNORMAL, scale: 0.5, maxMs: 2_000 }, seededRandom("cap"));
    const reference = lawSampler(AZURE_LOGNORMAL, seededRandom("cap"));
    for (let i = 0; i < 500; i++) {
      const { plannedMs, drawnMs, capped } = next();
      expect(drawnMs).toBeCloseTo(reference() * 500, 6);
      expect(plannedMs).toBe(Math.min(drawnMs, 2_000));
      expect(capped).toBe(drawnMs > 2_000);
    }
  });

  it("reads its configuration from the environment and names a bad variable", () => {
    expect(normalizeBusySpinConfig({})).toEqual({
      law: AZURE_LOGNORMAL,
      scale: 1,
      maxMs: undefined,
      seed: "0",
      sliceMs: 10,
    });
    expect(
      normalizeBusySpinConfig({
        EXECUTION_LAW: "constant:0.2",
        MAX_EXECUTION_MS: "100",
        ID: "9",
        EXECUTION_SCALE: "2",
      }),
    ).toMatchObject({ law: { kind: "constant", seconds: 0.2 }, maxMs: 100, seed: "9", scale: 2 });
    expect(normalizeBusySpinConfig({ EXECUTION_LAW: "lognormal:0,1", SEED: "s", ID: "9" })).toMatchObject({
      law: { kind: "lognormal", mu: 0, sigma: 1 },
      seed: "s",
    });
    expect(() => normalizeBusySpinConfig({ EXECUTION_SCALE: "-1" })).toThrow(/`EXECUTION_SCALE`.*`-1`/);
    expect(() => normalizeBusySpinConfig({ MAX_EXECUTION_MS: "abc" })).toThrow(/`MAX_EXECUTION_MS`/);
    expect(() => normalizeBusySpinConfig({ EXECUTION_LAW: "lognormal:1" })).toThrow(/`EXECUTION_LAW`/);
    expect(() => normalizeBusySpinConfig({ EXECUTION_LAW: "gamma:1,2" })).toThrow(/`EXECUTION_LAW`/);
  });
});
