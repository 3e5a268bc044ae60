/**
 * The few special functions the workload needs: the Student-t quantile behind the latency buckets' cut-off, and the
 * cumulative distribution functions the goodness-of-fit tests compare the samplers against. Accuracy targets are
 * those of a statistical test (1e-7 or better), not of a numerics library.
 */

/** ln Γ(x) for x > 0, by the Lanczos approximation (g = 7, n = 9); relative error below 1e-13. */
export function lnGamma(x: number): number {
  // prettier-ignore
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularised lower incomplete gamma P(a, x): the CDF of Gamma(a, 1) at x. Series below a + 1, else Lentz. */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return sum * Math.exp(logPrefix);
  }
  // continued fraction for Q(a, x), modified Lentz
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/** Φ(x), the standard normal CDF, through erfc (W. J. Cody's rational approximation via Numerical Recipes' erfc). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // Chebyshev fit of Numerical Recipes (erfcc), fractional error below 1.2e-7 everywhere
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  // prettier-ignore
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** The CDF of Student's t with `df` degrees of freedom, by Simpson integration of the density from 0. */
export function studentTCdf(t: number, df: number): number {
  const logNorm = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const density = (x: number) => Math.exp(logNorm - ((df + 1) / 2) * Math.log(1 + (x * x) / df));
  const steps = 2 * Math.min(10_000, Math.max(100, Math.ceil(Math.abs(t) * 100))); // even, ~200 per unit of t
  const h = Math.abs(t) / steps;
  let sum = density(0) + density(Math.abs(t));
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * density(i * h);
  const half = (sum * h) / 3;
  return t >= 0 ? 0.5 + half : 0.5 - half;
}

/** The p-quantile of Student's t (0.5 < p < 1), by bisection on {@link studentTCdf}. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1)) throw new RangeError(`Expected a probability between 0.5 and 1, got ${p}.`);
  let lo = 0;
  let hi = 100; // far beyond any useful quantile (t₁ at 0.9968)
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
