/**
 * Execution-time laws of the busy-spin function, drawn from a seeded uniform source so that a run replays the same
 * sequence of execution times. The default is the Azure Functions fit GIRAFF used (`reference/giraff.md` §12.2):
 * LogNormal(μ = −0.38, σ = 2.36) seconds, median e^μ ≈ 0.68 s and p99 e^(μ + 2.326σ) ≈ 166 s.
 */

/** A law of execution times, in seconds. */
export type ExecutionLaw = { kind: "lognormal"; mu: number; sigma: number } | { kind: "constant"; seconds: number };

export const AZURE_LOGNORMAL: ExecutionLaw = { kind: "lognormal", mu: -0.38, sigma: 2.36 };

/** Standard normal draws by Box–Muller; `1 - u` keeps the logarithm finite since `random()` may return 0. */
export function normalSampler(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Draws of `law` in seconds. */
export function lawSampler(law: ExecutionLaw, random: () => number): () => number {
  if (law.kind === "constant") return () => law.seconds;
  const normal = normalSampler(random);
  return () => Math.exp(law.mu + law.sigma * normal());
}

/** Cumulative distribution function of `law` at `seconds`, for goodness-of-fit tests. */
export function lawCdf(law: ExecutionLaw, seconds: number): number {
  if (law.kind === "constant") return seconds >= law.seconds ? 1 : 0;
  if (seconds <= 0) return 0;
  return 0.5 * (1 + erf((Math.log(seconds) - law.mu) / (law.sigma * Math.SQRT2)));
}

/** Planned execution times in ms: a draw of the law × `scale`, then capped at `maxMs` when set. */
export function executionSampler(
  opts: { law: ExecutionLaw; scale: number; maxMs?: number | undefined },
  random: () => number,
): () => { plannedMs: number; drawnMs: number; capped: boolean } {
  const draw = lawSampler(opts.law, random);
  return () => {
    const drawnMs = draw() * 1000 * opts.scale;
    const capped = opts.maxMs !== undefined && drawnMs > opts.maxMs;
    return { drawnMs, plannedMs: capped ? opts.maxMs! : drawnMs, capped };
  };
}

/** Error function, Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, ample for a KS test). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  // prettier-ignore
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}
