/**
 * tc's spelling of the matrix's numbers (grid5000.md §3.2). Rates take the largest unit that keeps them exact
 * (`1gbit`, `500mbit`, `1500kbit`, else whole `bit`), so the golden commands read like the topology. Delays and
 * losses keep at most 3 and 4 decimals: tc parses fractions, and the draws are whole ms and percents anyway.
 */

const trim = (n: number, decimals: number) => String(Number(n.toFixed(decimals)));

/** `1e9` → `1gbit`; a rate must be a positive finite number of bit/s. */
export function formatRate(bps: number): string {
  if (!(Number.isFinite(bps) && bps >= 1)) {
    throw new RangeError(`Expected a rate to be a finite number of bit/s ≥ 1, got ${bps}.`);
  }
  const whole = Math.round(bps);
  for (const [unit, size] of [
    ["gbit", 1e9],
    ["mbit", 1e6],
    ["kbit", 1e3],
  ] as const) {
    if (whole % size === 0) return `${whole / size}${unit}`;
  }
  return `${whole}bit`;
}

/** `12.5` → `12.5ms`. */
export function formatDelay(ms: number): string {
  if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`Expected a delay ≥ 0 ms, got ${ms}.`);
  return `${trim(ms, 3)}ms`;
}

/** `2` → `2%`; netem's loss is in percent. */
export function formatLoss(pct: number): string {
  if (!(Number.isFinite(pct) && pct >= 0 && pct <= 100)) {
    throw new RangeError(`Expected a loss between 0 and 100 %, got ${pct}.`);
  }
  return `${trim(pct, 4)}%`;
}
