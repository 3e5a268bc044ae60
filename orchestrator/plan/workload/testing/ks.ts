/**
 * The one-sample Kolmogorov–Smirnov test, for the laws' goodness-of-fit tests: the largest gap between a sample's
 * empirical CDF and the law's CDF, against the asymptotic critical value √(−ln(α/2) / 2) / √n (accurate for the
 * thousands of draws the tests use).
 */

/** D = supₓ |Fₙ(x) − F(x)|. */
export function ksStatistic(sample: readonly number[], cdf: (x: number) => number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

/** The critical D at significance `alpha` for `n` draws. */
export function ksCriticalValue(n: number, alpha = 0.01): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}

/** The empirical p-quantile (nearest rank). */
export function quantile(sample: readonly number[], p: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
